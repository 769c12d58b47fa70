package dev.salvo.storage.memory.batch;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.batch.DaemonStorageContract;
import dev.salvo.conformance.batch.BatchStores;
import java.util.Set;

class MemoryDaemonStorageTest extends DaemonStorageContract {

    @Override
    protected BatchStores newStore(MutableClock clock) {
        return BatchStores.of(new MemoryBatchStorage(clock));
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CONTROLLABLE_CLOCK);
    }
}
