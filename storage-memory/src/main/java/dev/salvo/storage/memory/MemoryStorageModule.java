package dev.salvo.storage.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;

/** Binds every port to its in-memory adapter. Nothing to close: the data goes with the process. */
public final class MemoryStorageModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(CheckpointStore.class).to(MemoryCheckpointStore.class).in(Singleton.class);
    }
}
