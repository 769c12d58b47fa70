package dev.salvo.app.config;

import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.config.RacingRule;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The models Salvo serves, from {@code salvo.models} (names) and {@code salvo.models.<name>.*}.
 * A base URL of {@code builtin:echo} points the model at the built-in echo responder.
 */
public record ModelSettings(List<ModelRoute> routes, List<RacingRule> racing) {

    public static final String BUILTIN_ECHO = "builtin:echo";

    public static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** Whether any configured model points at the built-in echo responder (so it must be started first). */
    public static boolean usesBuiltinEcho(SalvoConfig config) {
        return names(config.getOrDefault(ConfigKeys.MODELS, "")).stream()
                .anyMatch(name -> BUILTIN_ECHO.equals(config.getOrDefault(ConfigKeys.MODELS + "." + name + ".base-url", "")));
    }

    /** @param echoBaseUrl where the built-in echo responder listens (only used by models that name it) */
    public static ModelSettings from(SalvoConfig config, URI echoBaseUrl) {
        List<ModelRoute> routes = new ArrayList<>();
        List<RacingRule> racing = new ArrayList<>();
        for (String name : names(config.getOrDefault(ConfigKeys.MODELS, ""))) {
            String prefix = ConfigKeys.MODELS + "." + name + ".";
            String base = config.get(prefix + "base-url").orElseThrow(() -> new ConfigException(
                    "model '" + name + "' has no " + prefix + "base-url"));
            URI baseUrl;
            if (BUILTIN_ECHO.equals(base)) {
                baseUrl = echoBaseUrl;
            } else {
                try {
                    baseUrl = URI.create(base);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(prefix + "base-url is not a URL: " + base);
                }
                if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                    throw new ConfigException(prefix + "base-url must be an http(s) URL or " + BUILTIN_ECHO + ", was " + base);
                }
            }
            int concurrency = parseInt(prefix + "concurrency", config.getOrDefault(prefix + "concurrency", "16"));
            Duration threshold = Durations.parse(prefix + "escalation-threshold", config.getOrDefault(prefix + "escalation-threshold", "15m"));
            routes.add(new ModelRoute(name, baseUrl, config.getOrDefault(prefix + "api-key", ""), concurrency,
                    config.get(prefix + "escalation-model").orElse(null), threshold));
            config.get(prefix + "racing-to").ifPresent(target -> racing.add(new RacingRule(name,
                    Durations.parse(prefix + "racing-threshold", config.getOrDefault(prefix + "racing-threshold", "15m")), target, null)));
        }
        return new ModelSettings(List.copyOf(routes), List.copyOf(racing));
    }

    private static int parseInt(String key, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a positive whole number, was '" + value + "'");
        }
    }
}
