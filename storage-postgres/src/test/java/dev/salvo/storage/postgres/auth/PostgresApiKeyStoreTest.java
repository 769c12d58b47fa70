package dev.salvo.storage.postgres.auth;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.auth.ApiKeyStoreContract;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared contract against PostgreSQL. One database per class, emptied before every test; "another
 * instance" is a store over its own pool, as another process would have.
 */
class PostgresApiKeyStoreTest extends ApiKeyStoreContract {

    private static final int POOL_SIZE = 8;

    private static TestDatabase database;
    private static PostgresDatabase pool;

    private final Map<ApiKeyStore, Clock> clocks = new IdentityHashMap<>();
    private final Map<ApiKeyStore, PostgresDatabase> ownPools = new IdentityHashMap<>();

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
    protected ApiKeyStore newStore(MutableClock clock) {
        database.truncateAllTables();
        PostgresApiKeyStore store = new PostgresApiKeyStore(pool.dsl(), clock);
        clocks.put(store, clock);
        return store;
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE, Capability.MULTI_PROCESS, Capability.CONTROLLABLE_CLOCK);
    }

    @Override
    protected ApiKeyStore reopen(ApiKeyStore current) {
        Clock clock = clocks.remove(current);
        pool.close();
        pool = database.open(POOL_SIZE);
        PostgresApiKeyStore store = new PostgresApiKeyStore(pool.dsl(), clock);
        clocks.put(store, clock);
        return store;
    }

    @Override
    protected ApiKeyStore openAnother(ApiKeyStore current) {
        PostgresDatabase other = database.open(4);
        PostgresApiKeyStore store = new PostgresApiKeyStore(other.dsl(), clocks.get(current));
        ownPools.put(store, other);
        return store;
    }

    @Override
    protected void close(ApiKeyStore current) {
        PostgresDatabase own = ownPools.remove(current);
        if (own != null) {
            own.close();
        }
        clocks.remove(current);
    }
}
