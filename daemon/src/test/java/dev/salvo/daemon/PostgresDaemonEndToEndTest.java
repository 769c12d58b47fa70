package dev.salvo.daemon;

import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.batch.PostgresBatchStorage;
import dev.salvo.storage.postgres.testing.PostgresTestServer;

class PostgresDaemonEndToEndTest extends DaemonEndToEndContract {

    @Override
    protected BatchAndDaemonStorage openStorage() {
        PostgresDatabase pool = PostgresTestServer.get().createDatabase().open(8);
        PostgresBatchStorage storage = new PostgresBatchStorage(pool.dsl(), clock);
        return new BatchAndDaemonStorage(storage, storage, pool);
    }
}
