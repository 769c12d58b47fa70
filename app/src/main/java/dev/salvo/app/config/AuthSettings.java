package dev.salvo.app.config;

import dev.salvo.app.auth.ApiKeyAuthenticator;
import dev.salvo.app.auth.ApiKeyAuthenticator.DevMode;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@code salvo.auth.*} into an authenticator, together with the keys stored by {@code salvo keys}.
 *
 * <p>{@code salvo.auth.keys} is a comma-separated list of {@code principal:key} or
 * {@code principal:sha256:<hex digest of the key>} entries; {@code salvo.auth.admins} names admin
 * principals (of configured keys; a stored key carries its own admin flag).
 *
 * <p>Development mode, {@code salvo.auth.dev-mode}: with {@code auto} (the default) it is on when the
 * server starts with no configured key and no active stored key; the single key {@value #DEV_KEY} then
 * authenticates as admin principal {@code dev}, and startup logs a loud warning. It ends, without a
 * restart, as soon as an active stored key exists (the first {@code salvo keys create}). {@code true}
 * accepts the development key beside any other; {@code false} never does, and then starting without any
 * key at all is a configuration error.
 *
 * <p>Parsing ({@link #from}) needs only the configuration; the decision needs the stored keys and is made
 * by {@link #authenticator(ApiKeyStore)}, after which {@link #devMode()} reports it.
 */
public final class AuthSettings {

    public static final String DEV_KEY = "sk-salvo-dev";
    public static final String DEV_PRINCIPAL = "dev";

    private final HashedApiKeys configuredKeys;
    private final String devModeSetting;
    private volatile ApiKeyAuthenticator built;

    private AuthSettings(HashedApiKeys configuredKeys, String devModeSetting) {
        this.configuredKeys = configuredKeys;
        this.devModeSetting = devModeSetting;
    }

    /** @throws ConfigException if an entry of {@code salvo.auth.keys} or the dev-mode value is malformed */
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
        String devMode = config.getOrDefault(ConfigKeys.AUTH_DEV_MODE, "auto").strip().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "true", "false").contains(devMode)) {
            throw new ConfigException(ConfigKeys.AUTH_DEV_MODE + " must be auto, true or false");
        }
        return new AuthSettings(new HashedApiKeys(entries), devMode);
    }

    /** The keys from {@code salvo.auth.keys}, as digests. */
    public HashedApiKeys configuredKeys() {
        return configuredKeys;
    }

    /**
     * The authenticator over the configured keys and {@code storedKeys}, deciding development mode from
     * both (see the class comment).
     *
     * @throws ConfigException if development mode is off and there is no key at all
     */
    public ApiKeyAuthenticator authenticator(ApiKeyStore storedKeys) {
        Objects.requireNonNull(storedKeys, "storedKeys");
        boolean anyKey = configuredKeys.size() > 0 || storedKeys.list().stream().anyMatch(k -> !k.revoked());
        DevMode mode = switch (devModeSetting) {
            case "true" -> DevMode.ALWAYS;
            case "false" -> DevMode.OFF;
            default -> anyKey ? DevMode.OFF : DevMode.UNTIL_A_KEY_IS_STORED;
        };
        if (mode == DevMode.OFF && !anyKey) {
            throw new ConfigException("no API keys: set " + ConfigKeys.AUTH_KEYS + " (environment "
                    + SalvoConfig.envName(ConfigKeys.AUTH_KEYS) + "), create one with 'salvo keys create --name NAME',"
                    + " or enable " + ConfigKeys.AUTH_DEV_MODE);
        }
        ApiKeyAuthenticator authenticator =
                new ApiKeyAuthenticator(configuredKeys, storedKeys, mode, DEV_KEY, new Principal(DEV_PRINCIPAL, true));
        built = authenticator;
        return authenticator;
    }

    /**
     * Whether the authenticator last built by {@link #authenticator(ApiKeyStore)} started in development mode.
     *
     * @throws IllegalStateException before {@link #authenticator(ApiKeyStore)} was called: the decision needs the stored keys
     */
    public boolean devMode() {
        ApiKeyAuthenticator authenticator = built;
        if (authenticator == null) {
            throw new IllegalStateException("development mode is decided by authenticator(ApiKeyStore)");
        }
        return authenticator.startedInDevMode();
    }
}
