package dev.salvo.storage.postgres.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;

/** Plain JDBC for the fixture: connections outside any pool, and URL surgery to reach another database. */
final class JdbcSupport {

    private static final String PREFIX = "jdbc:postgresql://";
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    private JdbcSupport() {
    }

    /** {@code user} and {@code password} may be null, leaving them to the URL. */
    static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(url, properties);
    }

    static void requirePostgres(String url) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalStateException(PostgresTestServer.URL_ENV + " must look like "
                    + PREFIX + "host[:port]/database[?user=...&password=...], was " + redact(url));
        }
    }

    /** {@code jdbc:postgresql://h:1/db?x=y} with {@code other} → {@code jdbc:postgresql://h:1/other?x=y}. */
    static String withDatabase(String url, String database) {
        requirePostgres(url);
        int query = url.indexOf('?', PREFIX.length());
        int hostsEnd = query < 0 ? url.length() : query;
        int slash = url.indexOf('/', PREFIX.length());
        if (slash >= 0 && slash < hostsEnd) {
            hostsEnd = slash;
        }
        return url.substring(0, hostsEnd) + "/" + database + (query < 0 ? "" : url.substring(query));
    }

    static String redact(String url) {
        return PASSWORD.matcher(url).replaceAll("$1<masked>");
    }
}
