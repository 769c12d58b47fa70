package dev.salvo.storage.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.memory.auth.MemoryApiKeyStore;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;
import java.time.Clock;

/**
 * Binds every port to its in-memory adapter. Nothing to close: the data goes with the process. Needs a
 * {@link Clock} binding (the application provides one).
 */
public final class MemoryStorageModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(CheckpointStore.class).to(MemoryCheckpointStore.class).in(Singleton.class);
        bind(BatchStorage.class).to(MemoryBatchStorage.class);
        bind(DaemonStorage.class).to(MemoryBatchStorage.class);
        bind(ApiKeyStore.class).to(MemoryApiKeyStore.class);
    }

    @Provides
    @Singleton
    MemoryApiKeyStore apiKeyStore(Clock clock) {
        return new MemoryApiKeyStore(clock);
    }

    @Provides
    @Singleton
    MemoryBatchStorage batchStorage(Clock clock) {
        return new MemoryBatchStorage(clock);
    }
}
