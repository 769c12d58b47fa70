package dev.salvo.storage.memory.checkpoint;

import dev.salvo.conformance.checkpoint.CheckpointStoreContract;
import dev.salvo.core.checkpoint.CheckpointStore;

class MemoryCheckpointStoreTest extends CheckpointStoreContract {

    @Override
    protected CheckpointStore newStore() {
        return new MemoryCheckpointStore();
    }
}
