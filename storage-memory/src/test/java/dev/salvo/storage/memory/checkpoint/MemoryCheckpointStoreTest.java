package dev.salvo.storage.memory.checkpoint;

import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.checkpoint.CheckpointStoreContract;
import dev.salvo.core.checkpoint.CheckpointStore;

class MemoryCheckpointStoreTest extends CheckpointStoreContract {

    @Override
    protected CheckpointStore newStore(MutableClock clock) {
        return new MemoryCheckpointStore();
    }
}
