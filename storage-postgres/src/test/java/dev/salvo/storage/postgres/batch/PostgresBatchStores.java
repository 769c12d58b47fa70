package dev.salvo.storage.postgres.batch;

import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.batch.BatchStores;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.time.Clock;

/**
 * The contracts' backend: one database per test class, emptied before every test, and a pool per
 * store instance (the contract closes it after each test; reopening replaces it, as a restarted
 * process would; another instance has a pool of its own, as another process would).
 */
final class PostgresBatchStores {

    static final int POOL_SIZE = 8;

    private final TestDatabase database = PostgresTestServer.get().createDatabase();

    BatchStores fresh(MutableClock clock) {
        database.truncateAllTables();
        return open(clock);
    }

    BatchStores reopen(BatchStores current, Clock clock) {
        ((PostgresDatabase) current.resource()).close();
        return open(clock);
    }

    /** A second store over the same database with its own pool; {@code current} stays open. */
    BatchStores another(Clock clock) {
        return open(clock);
    }

    private BatchStores open(Clock clock) {
        PostgresDatabase pool = database.open(POOL_SIZE);
        PostgresBatchStorage storage = new PostgresBatchStorage(pool.dsl(), clock);
        return new BatchStores(storage, storage, pool);
    }
}
