package dev.salvo.app.config;

import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@code salvo.auth.*} into an authenticator.
 *
 * <p>{@code salvo.auth.keys} is a comma-separated list of {@code principal:key} or
 * {@code principal:sha256:<hex digest of the key>} entries; {@code salvo.auth.admins} names admin
 * principals. With no keys configured and {@code salvo.auth.dev-mode} left at {@code auto}, the server
 * runs in development mode: the single key {@value #DEV_KEY} authenticates as admin principal
 * {@code dev}, and startup logs a loud warning.
 */
public record AuthSettings(HashedApiKeys authenticator, boolean devMode) {

    public static final String DEV_KEY = "sk-salvo-dev";
    public static final String DEV_PRINCIPAL = "dev";

    public static AuthSettings from(SalvoConfig config) {
        Set<String> admins = Arrays.stream(config.getOrDefault(ConfigKeys.AUTH_ADMINS, "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        List<HashedApiKeys.Entry> entries = new ArrayList<>();
        for (String raw : config.getOrDefault(ConfigKeys.AUTH_KEYS, "").split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(ConfigKeys.AUTH_KEYS + " entries are 'principal:key' or 'principal:sha256:<hex>'");
            }
            String name = entry.substring(0, colon);
            String secret = entry.substring(colon + 1);
            Principal principal;
            try {
                principal = new Principal(name, admins.contains(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigKeys.AUTH_KEYS + ": " + e.getMessage());
            }
            if (secret.startsWith("sha256:")) {
                String hex = secret.substring("sha256:".length());
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new ConfigException(ConfigKeys.AUTH_KEYS + ": the sha256 digest for '" + name + "' must be 64 hex digits");
                }
                entries.add(HashedApiKeys.forDigest(hex, principal));
            } else {
                entries.add(HashedApiKeys.forKey(secret, principal));
            }
        }
        String devMode = config.getOrDefault(ConfigKeys.AUTH_DEV_MODE, "auto").strip().toLowerCase(java.util.Locale.ROOT);
        boolean dev = switch (devMode) {
            case "auto" -> entries.isEmpty();
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(ConfigKeys.AUTH_DEV_MODE + " must be auto, true or false");
        };
        if (dev) {
            entries.add(HashedApiKeys.forKey(DEV_KEY, new Principal(DEV_PRINCIPAL, true)));
        } else if (entries.isEmpty()) {
            throw new ConfigException("no API keys configured: set " + ConfigKeys.AUTH_KEYS
                    + " (environment " + SalvoConfig.envName(ConfigKeys.AUTH_KEYS) + ") or enable " + ConfigKeys.AUTH_DEV_MODE);
        }
        return new AuthSettings(new HashedApiKeys(entries), dev);
    }
}
