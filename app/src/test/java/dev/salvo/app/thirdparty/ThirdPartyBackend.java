package dev.salvo.app.thirdparty;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.memory.auth.MemoryApiKeyStore;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;

/**
 * Stands for a backend shipped in someone else's jar: it is registered only through
 * META-INF/services in the test resources, and app code names it nowhere.
 */
public final class ThirdPartyBackend implements StorageBackendProvider {

    @Override
    public String name() {
        return "third-party";
    }

    @Override
    public String description() {
        return "a backend registered through ServiceLoader by another jar";
    }

    @Override
    public Module module(SalvoConfig config) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(CheckpointStore.class).toInstance(new MemoryCheckpointStore());
                MemoryBatchStorage batches = new MemoryBatchStorage(java.time.Clock.systemUTC());
                bind(BatchStorage.class).toInstance(batches);
                bind(DaemonStorage.class).toInstance(batches);
                bind(ApiKeyStore.class).toInstance(new MemoryApiKeyStore(java.time.Clock.systemUTC()));
            }
        };
    }
}
