package dev.salvo.storage.postgres.batch;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.batch.BatchStores;
import dev.salvo.conformance.batch.DaemonStorageContract;
import java.util.Set;

/** The shared DaemonStorage contract against PostgreSQL. */
class PostgresDaemonStorageTest extends DaemonStorageContract {

    private static final PostgresBatchStores BACKEND = new PostgresBatchStores();

    @Override
    protected BatchStores newStore(MutableClock clock) {
        return BACKEND.fresh(clock);
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE, Capability.MULTI_PROCESS, Capability.CONTROLLABLE_CLOCK);
    }

    @Override
    protected BatchStores reopen(BatchStores current) {
        return BACKEND.reopen(current, clock());
    }

    @Override
    protected BatchStores openAnother(BatchStores current) {
        return BACKEND.another(clock());
    }
}
