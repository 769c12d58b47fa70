package dev.salvo.storage.postgres;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach the PostgreSQL database that holds Salvo's state.
 *
 * @param jdbcUrl        {@code jdbc:postgresql://host[:port]/database[?…]}; may carry {@code user} and
 *                       {@code password} parameters instead of the two fields below
 * @param username       login role, or {@code null} to take it from the URL
 * @param password       password, or {@code null} to take it from the URL (or to use none)
 * @param maxPoolSize    upper bound of the connection pool
 * @param migrateOnStart whether opening the storage applies pending schema migrations first
 */
public record PostgresSettings(String jdbcUrl, String username, String password, int maxPoolSize,
                               boolean migrateOnStart) {

    public static final int DEFAULT_MAX_POOL_SIZE = 10;

    private static final String URL_PREFIX = "jdbc:postgresql:";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

    public PostgresSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("jdbcUrl must start with " + URL_PREFIX + ", was " + redact(jdbcUrl));
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + maxPoolSize);
        }
    }

    /** Default pool size; migrations run on start. */
    public static PostgresSettings of(String jdbcUrl, String username, String password) {
        return new PostgresSettings(jdbcUrl, username, password, DEFAULT_MAX_POOL_SIZE, true);
    }

    public PostgresSettings withMaxPoolSize(int newMaxPoolSize) {
        return new PostgresSettings(jdbcUrl, username, password, newMaxPoolSize, migrateOnStart);
    }

    public PostgresSettings withMigrateOnStart(boolean newMigrateOnStart) {
        return new PostgresSettings(jdbcUrl, username, password, maxPoolSize, newMigrateOnStart);
    }

    /** The URL with any {@code password=} parameter masked, fit for logs and error messages. */
    public String redactedJdbcUrl() {
        return redact(jdbcUrl);
    }

    // Records print every component; this one must never reach a log with its secret.
    @Override
    public String toString() {
        return "PostgresSettings[jdbcUrl=" + redactedJdbcUrl()
                + ", username=" + username
                + ", password=" + (password == null ? "<none>" : "<masked>")
                + ", maxPoolSize=" + maxPoolSize
                + ", migrateOnStart=" + migrateOnStart + "]";
    }

    private static String redact(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1<masked>");
    }
}
