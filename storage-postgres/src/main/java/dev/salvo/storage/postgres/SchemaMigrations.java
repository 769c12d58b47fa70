package dev.salvo.storage.postgres;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Salvo's Flyway migrations ({@value #LOCATION}). Safe to run from several replicas at once:
 * Flyway serialises concurrent runs with a PostgreSQL advisory lock, and a current schema is a no-op.
 */
public final class SchemaMigrations {

    public static final String LOCATION = "classpath:db/salvo/migration";
    /**
     * Salvo's own history table, so a database that already holds another application's Flyway
     * history (the default {@code flyway_schema_history}) can host Salvo's tables beside it.
     */
    public static final String HISTORY_TABLE = "salvo_schema_history";

    /** Flyway keeps one connection for its lock and the history table while it migrates on a second. */
    private static final int MIGRATION_CONNECTIONS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    private SchemaMigrations() {
    }

    /**
     * Runs the migrations over a short-lived pool of its own (also what {@code salvo migrate} calls), so
     * migrating never competes with, or depends on the size of, the application's pool.
     */
    public static MigrationReport migrate(PostgresSettings settings) {
        try (HikariDataSource dataSource = new HikariDataSource(
                PostgresDatabase.poolConfig(settings, "salvo-migrate", MIGRATION_CONNECTIONS))) {
            return migrate(dataSource);
        }
    }

    /** Migrates through {@code dataSource}, which must be able to hand out two connections at once. */
    public static MigrationReport migrate(DataSource dataSource) {
        MigrateResult result;
        try {
            result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new IllegalStateException("Salvo schema migration failed: " + e.getMessage(), e);
        }
        // Flyway reports a target version only when it applied something; otherwise the schema stayed where it was.
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        MigrationReport report = new MigrationReport(result.migrationsExecuted, version);
        LOG.info("Salvo schema at version {} ({} migration(s) applied)", report.schemaVersion(), report.migrationsApplied());
        return report;
    }
}
