package dev.salvo.daemon;

import dev.salvo.storage.memory.batch.MemoryBatchStorage;

class MemoryDaemonEndToEndTest extends DaemonEndToEndContract {

    @Override
    protected BatchAndDaemonStorage openStorage() {
        MemoryBatchStorage storage = new MemoryBatchStorage(clock);
        return new BatchAndDaemonStorage(storage, storage, () -> { });
    }
}
