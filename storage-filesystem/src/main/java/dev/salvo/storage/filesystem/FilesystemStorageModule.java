package dev.salvo.storage.filesystem;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.filesystem.batch.FilesystemBatchStorage;
import dev.salvo.storage.filesystem.checkpoint.FilesystemCheckpointStore;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds every port to its filesystem adapter over one {@link DataDirectory}.
 *
 * <p>Everything that must be closed on shutdown joins the {@code salvo.resources} set, which the
 * application closes in reverse order: the stores first (they wait for operations in progress), the
 * data directory, and with it the lock, last.
 *
 * <p>{@link BatchStorage} and {@link DaemonStorage} are one {@link FilesystemBatchStorage} (stale-claim
 * recovery reads the daemon registry). It takes the application's {@link Clock} binding: one clock per
 * process decides every deadline, heartbeat and backoff it stores.
 *
 * <p>{@link dev.salvo.core.auth.ApiKeyStore} comes from {@link FilesystemApiKeyModule}: the key store lives
 * under {@code <data-dir>/keys} outside the directory lock, so other processes may add and revoke keys while
 * this one runs. It holds no open files, so it needs no place among the resources.
 */
public final class FilesystemStorageModule extends AbstractModule {

    /** Name of the set of {@link AutoCloseable} resources the application closes on shutdown. */
    public static final String RESOURCES = "salvo.resources";

    private final FilesystemSettings settings;

    public FilesystemStorageModule(FilesystemSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    protected void configure() {
        install(new FilesystemApiKeyModule(settings));
        bind(CheckpointStore.class).to(FilesystemCheckpointStore.class);
        bind(BatchStorage.class).to(FilesystemBatchStorage.class);
        bind(DaemonStorage.class).to(FilesystemBatchStorage.class);

        Multibinder<AutoCloseable> resources =
                Multibinder.newSetBinder(binder(), AutoCloseable.class, Names.named(RESOURCES));
        resources.addBinding().to(DataDirectory.class);
        resources.addBinding().to(FilesystemCheckpointStore.class);
        resources.addBinding().to(FilesystemBatchStorage.class);
    }

    @Provides
    @Singleton
    DataDirectory dataDirectory() {
        return DataDirectory.open(settings.dataDirectory());
    }

    @Provides
    @Singleton
    FilesystemCheckpointStore checkpointStore(DataDirectory dataDirectory) {
        return new FilesystemCheckpointStore(dataDirectory);
    }

    @Provides
    @Singleton
    FilesystemBatchStorage batchStorage(DataDirectory dataDirectory, Clock clock) {
        return new FilesystemBatchStorage(dataDirectory, clock);
    }
}
