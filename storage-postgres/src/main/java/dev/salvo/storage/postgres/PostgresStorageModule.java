package dev.salvo.storage.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.postgres.batch.PostgresBatchStorage;
import dev.salvo.storage.postgres.checkpoint.PostgresCheckpointStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds every port to its PostgreSQL adapter over one shared {@link PostgresDatabase}, which is
 * registered as a {@code salvo.resources} closeable so the application closes the pool on shutdown.
 *
 * <p>Providers rather than constructor injection keep Guice out of the adapter classes. The batch
 * adapter takes the application's {@link Clock} binding: one clock per process decides every
 * deadline, heartbeat and backoff it stores.
 */
public final class PostgresStorageModule extends AbstractModule {

    private final PostgresSettings settings;

    public PostgresStorageModule(PostgresSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The pool and the key store come from the key module, which {@code salvo keys} also uses alone. */
    @Override
    protected void configure() {
        install(new PostgresApiKeyModule(settings));
    }

    @Provides
    @Singleton
    CheckpointStore checkpointStore(PostgresDatabase database) {
        return new PostgresCheckpointStore(database.dsl());
    }

    @Provides
    @Singleton
    PostgresBatchStorage postgresBatchStorage(PostgresDatabase database, Clock clock) {
        return new PostgresBatchStorage(database.dsl(), clock);
    }

    /** The batch daemon's stale-claim recovery reads the daemon registry: both ports are one instance. */
    @Provides
    @Singleton
    BatchStorage batchStorage(PostgresBatchStorage storage) {
        return storage;
    }

    @Provides
    @Singleton
    DaemonStorage daemonStorage(PostgresBatchStorage storage) {
        return storage;
    }
}
