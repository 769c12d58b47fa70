package dev.salvo.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.postgres.batch.PostgresBatchStorage;
import dev.salvo.storage.postgres.checkpoint.PostgresCheckpointStore;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class PostgresStorageModuleTest {

    private static final Key<Set<AutoCloseable>> RESOURCES =
            Key.get(new TypeLiteral<Set<AutoCloseable>>() { }, Names.named("salvo.resources"));

    @Test
    void wiresOneMigratedDatabaseThatTheAppCloses() throws Exception {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        // The application binds the process clock (SalvoModule); the batch adapter depends on it.
        Injector injector = Guice.createInjector(binder -> binder.bind(Clock.class).toInstance(Clock.systemUTC()),
                new PostgresStorageModule(database.settings(2).withMigrateOnStart(true)));

        CheckpointStore store = injector.getInstance(CheckpointStore.class);
        assertThat(store).isInstanceOf(PostgresCheckpointStore.class).isSameAs(injector.getInstance(CheckpointStore.class));
        store.save(ThreadKey.of("alice", "t"), CheckpointMetadata.of("c1", "t", Instant.EPOCH, 1), new byte[] {7});
        assertThat(store.count(ThreadKey.of("alice", "t"))).isEqualTo(1);

        BatchStorage batches = injector.getInstance(BatchStorage.class);
        assertThat(batches).isInstanceOf(PostgresBatchStorage.class)
                .isSameAs(injector.getInstance(DaemonStorage.class))
                .isSameAs(injector.getInstance(BatchStorage.class));
        assertThat(batches.listFiles(FileFilter.all())).isEmpty();

        Set<AutoCloseable> resources = injector.getInstance(RESOURCES);
        assertThat(resources).containsExactly(injector.getInstance(PostgresDatabase.class));
        for (AutoCloseable resource : resources) {
            resource.close();
        }

        assertThatThrownBy(() -> store.count(ThreadKey.of("alice", "t")))
                .isInstanceOf(CheckpointException.Backend.class)
                .hasCauseInstanceOf(DataAccessException.class);
    }
}
