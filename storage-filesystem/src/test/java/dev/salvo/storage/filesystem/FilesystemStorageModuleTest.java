package dev.salvo.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.filesystem.batch.FilesystemBatchStorage;
import dev.salvo.storage.filesystem.checkpoint.FilesystemCheckpointStore;
import dev.salvo.storage.filesystem.io.DataDirectory;
import dev.salvo.storage.filesystem.io.DataDirectoryInUseException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FilesystemStorageModuleTest {

    private static final Key<Set<AutoCloseable>> RESOURCES =
            Key.get(new TypeLiteral<Set<AutoCloseable>>() { }, Names.named("salvo.resources"));

    private Path root;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-module-");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    /** The application binds the clock; the module takes it from there. */
    private static final AbstractModule CLOCK = new AbstractModule() {
        @Override
        protected void configure() {
            bind(Clock.class).toInstance(Clock.systemUTC());
        }
    };

    private Injector injector() {
        return Guice.createInjector(CLOCK, new FilesystemStorageModule(new FilesystemSettings(root)));
    }

    @Test
    @DisplayName("binds CheckpointStore to one filesystem store and registers what must be closed, lock last")
    void wiring() throws Exception {
        Injector injector = injector();

        CheckpointStore store = injector.getInstance(CheckpointStore.class);
        assertThat(store).isInstanceOf(FilesystemCheckpointStore.class)
                .isSameAs(injector.getInstance(CheckpointStore.class));
        DataDirectory dataDirectory = injector.getInstance(DataDirectory.class);
        assertThat(dataDirectory.root()).isEqualTo(root.toRealPath());
        store.save(ThreadKey.of("alice", "t"), CheckpointMetadata.of("c1", "t", Instant.EPOCH, 1), new byte[] {1, 2, 3});

        List<AutoCloseable> resources = new ArrayList<>(injector.getInstance(RESOURCES));
        assertThat(resources).containsExactly(dataDirectory, (AutoCloseable) store,
                injector.getInstance(FilesystemBatchStorage.class));
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }

        assertThatThrownBy(() -> store.count(ThreadKey.of("alice", "t"))).isInstanceOf(CheckpointException.Backend.class);
        try (FilesystemCheckpointStore reopened = FilesystemCheckpointStore.open(root)) {
            assertThat(reopened.load(ThreadKey.of("alice", "t"), "c1").state()).containsExactly(1, 2, 3);
        }
    }

    @Test
    @DisplayName("a second injector over a directory in use fails with the in-use error")
    void secondInjectorIsRefused() {
        Injector first = injector();
        first.getInstance(CheckpointStore.class);
        try {
            Injector second = injector();
            assertThatThrownBy(() -> second.getInstance(CheckpointStore.class))
                    .isInstanceOf(ProvisionException.class)
                    .hasRootCauseInstanceOf(DataDirectoryInUseException.class);
        } finally {
            first.getInstance(DataDirectory.class).close();
        }
    }

    @Test
    @DisplayName("binds BatchStorage and DaemonStorage to one filesystem batch store, closed before the lock is released")
    void batchWiring() throws Exception {
        Injector injector = injector();
        BatchStorage batches = injector.getInstance(BatchStorage.class);
        DaemonStorage daemons = injector.getInstance(DaemonStorage.class);
        assertThat(batches).isInstanceOf(FilesystemBatchStorage.class).isSameAs(daemons)
                .isSameAs(injector.getInstance(BatchStorage.class));
        FileId file = batches.createFile("wired.jsonl", null, List.of(
                new RequestTemplateInput("a", "http://upstream", "POST", "/v1/chat/completions", "{}", "m", "")));

        List<AutoCloseable> resources = new ArrayList<>(injector.getInstance(RESOURCES));
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }

        assertThatThrownBy(() -> batches.getFile(file)).isInstanceOf(BatchStorageException.Backend.class);
        try (FilesystemBatchStorage reopened = FilesystemBatchStorage.open(root, Clock.systemUTC())) {
            assertThat(reopened.getFile(file).name()).isEqualTo("wired.jsonl");
        }
    }
}
