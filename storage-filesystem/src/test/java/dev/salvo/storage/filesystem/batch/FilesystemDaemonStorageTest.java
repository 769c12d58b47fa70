package dev.salvo.storage.filesystem.batch;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.batch.DaemonStorageContract;
import dev.salvo.conformance.batch.BatchStores;
import java.util.Set;

class FilesystemDaemonStorageTest extends DaemonStorageContract {

    @Override
    protected BatchStores newStore(MutableClock clock) {
        return FilesystemBatchStores.fresh(clock);
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE, Capability.CONTROLLABLE_CLOCK);
    }

    @Override
    protected BatchStores reopen(BatchStores current) {
        return FilesystemBatchStores.reopen(current, clock());
    }
}
