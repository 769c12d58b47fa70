package dev.salvo.storage.postgres.batch;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.batch.BatchStorageContract;
import dev.salvo.conformance.batch.BatchStores;
import java.util.Set;

/** The shared BatchStorage contract against PostgreSQL. */
class PostgresBatchStorageTest extends BatchStorageContract {

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
