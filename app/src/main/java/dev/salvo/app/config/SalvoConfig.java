package dev.salvo.app.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Salvo's configuration: flat {@code salvo.*} keys, resolved from (lowest to highest precedence) built-in
 * defaults, a properties file, environment variables and command-line options.
 *
 * <p>An environment variable names a key in upper case with {@code _} for both {@code .} and {@code -}:
 * {@code SALVO_STORAGE_POSTGRES_URL} sets {@code salvo.storage.postgres.url}. Because that mapping is
 * ambiguous, a variable only counts for keys Salvo knows ({@link ConfigKeys}).
 */
public final class SalvoConfig {

    private final Map<String, String> values;

    private SalvoConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigException(
                "missing setting " + key + " (environment variable " + envName(key) + ")"));
    }

    public String getOrDefault(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public int intValue(String key) {
        String raw = require(key);
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, was '" + raw + "'");
        }
    }

    public long longValue(String key) {
        String raw = require(key);
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, was '" + raw + "'");
        }
    }

    public boolean booleanValue(String key) {
        String raw = require(key).strip().toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key + " must be true or false, was '" + raw + "'");
        };
    }

    public Map<String, String> asMap() {
        return values;
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Layers settings; later calls win over earlier ones. */
    public static final class Builder {
        private final Map<String, String> values = new TreeMap<>(ConfigKeys.DEFAULTS);

        public Builder file(Path file) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read configuration file " + file, e);
            }
            for (String key : properties.stringPropertyNames()) {
                if (!key.startsWith("salvo.")) {
                    throw new ConfigException("unknown setting '" + key + "' in " + file + ": keys start with 'salvo.'");
                }
                values.put(key, properties.getProperty(key));
            }
            return this;
        }

        /**
         * Known keys from their variables, then the per-model keys of every model named in
         * {@code salvo.models}: {@code SALVO_MODELS_<NAME>_BASE_URL} with the name upper-cased and
         * anything but letters and digits turned into {@code _}.
         */
        public Builder environment(Map<String, String> environment) {
            for (String key : ConfigKeys.KNOWN) {
                String value = environment.get(envName(key));
                if (value != null) {
                    values.put(key, value);
                }
            }
            for (String model : ModelSettings.names(values.getOrDefault(ConfigKeys.MODELS, ""))) {
                for (String suffix : ConfigKeys.MODEL_SUFFIXES) {
                    String value = environment.get("SALVO_MODELS_" + model.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                            + "_" + suffix.toUpperCase(Locale.ROOT).replace('-', '_'));
                    if (value != null) {
                        values.put(ConfigKeys.MODELS + "." + model + "." + suffix, value);
                    }
                }
            }
            return this;
        }

        public Builder set(String key, String value) {
            if (value != null) {
                values.put(key, value);
            }
            return this;
        }

        public SalvoConfig build() {
            return new SalvoConfig(values);
        }
    }
}
