package dev.salvo.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection pool to Salvo's PostgreSQL database and the jOOQ context over it; every PostgreSQL
 * adapter of a process shares one instance. Closing it closes the pool.
 */
public final class PostgresDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);

    private final PostgresSettings settings;
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private PostgresDatabase(PostgresSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        // Execute logging would print bind values: checkpoint state and metadata are user data.
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, new Settings().withExecuteLogging(false));
    }

    /**
     * Applies pending migrations first when {@link PostgresSettings#migrateOnStart()} is set, then opens
     * the pool, failing fast if the database cannot be reached.
     */
    public static PostgresDatabase open(PostgresSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (settings.migrateOnStart()) {
            SchemaMigrations.migrate(settings);
        }
        HikariDataSource dataSource = new HikariDataSource(poolConfig(settings, "salvo-postgres", settings.maxPoolSize()));
        LOG.info("Opened PostgreSQL pool for {} (at most {} connections)", settings.redactedJdbcUrl(), settings.maxPoolSize());
        return new PostgresDatabase(settings, dataSource);
    }

    static HikariConfig poolConfig(PostgresSettings settings, String poolName, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.username() != null) {
            config.setUsername(settings.username());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(maxPoolSize);
        config.addDataSourceProperty("ApplicationName", "salvo");
        return config;
    }

    /** Applies pending migrations; a no-op on a current schema. */
    public MigrationReport migrate() {
        return SchemaMigrations.migrate(settings);
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
