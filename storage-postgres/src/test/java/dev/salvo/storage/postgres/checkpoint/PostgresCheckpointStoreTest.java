package dev.salvo.storage.postgres.checkpoint;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.checkpoint.CheckpointStoreContract;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared contract against PostgreSQL. One database per class, emptied before every test; the pool
 * is replaced only when a test reopens the store. "Another instance" is a store over its own pool, as
 * another process would have.
 */
class PostgresCheckpointStoreTest extends CheckpointStoreContract {

    private static final int POOL_SIZE = 8;

    private static TestDatabase database;
    private static PostgresDatabase pool;

    private final Map<CheckpointStore, PostgresDatabase> ownPools = new IdentityHashMap<>();

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestServer.get().createDatabase();
        pool = database.open(POOL_SIZE);
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    protected CheckpointStore newStore(MutableClock clock) {
        database.truncateAllTables();
        return new PostgresCheckpointStore(pool.dsl());
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE, Capability.MULTI_PROCESS);
    }

    @Override
    protected CheckpointStore reopen(CheckpointStore current) {
        pool.close();
        pool = database.open(POOL_SIZE);
        return new PostgresCheckpointStore(pool.dsl());
    }

    @Override
    protected CheckpointStore openAnother(CheckpointStore current) {
        PostgresDatabase other = database.open(POOL_SIZE);
        PostgresCheckpointStore store = new PostgresCheckpointStore(other.dsl());
        ownPools.put(store, other);
        return store;
    }

    @Override
    protected void close(CheckpointStore current) {
        PostgresDatabase own = ownPools.remove(current);
        if (own != null) {
            own.close();
        }
    }
}
