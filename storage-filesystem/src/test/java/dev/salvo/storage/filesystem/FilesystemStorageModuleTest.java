package dev.salvo.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.storage.filesystem.checkpoint.FilesystemCheckpointStore;
import dev.salvo.storage.filesystem.io.DataDirectory;
import dev.salvo.storage.filesystem.io.DataDirectoryInUseException;
import java.nio.file.Path;
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

    @Test
    @DisplayName("binds CheckpointStore to one filesystem store and registers what must be closed, lock last")
    void wiring() throws Exception {
        Injector injector = Guice.createInjector(new FilesystemStorageModule(new FilesystemSettings(root)));

        CheckpointStore store = injector.getInstance(CheckpointStore.class);
        assertThat(store).isInstanceOf(FilesystemCheckpointStore.class)
                .isSameAs(injector.getInstance(CheckpointStore.class));
        DataDirectory dataDirectory = injector.getInstance(DataDirectory.class);
        assertThat(dataDirectory.root()).isEqualTo(root.toRealPath());
        store.save("t", CheckpointMetadata.of("c1", "t", Instant.EPOCH, 1), new byte[] {1, 2, 3});

        List<AutoCloseable> resources = new ArrayList<>(injector.getInstance(RESOURCES));
        assertThat(resources).containsExactly(dataDirectory, (AutoCloseable) store);
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }

        assertThatThrownBy(() -> store.count("t")).isInstanceOf(CheckpointException.Storage.class);
        try (FilesystemCheckpointStore reopened = FilesystemCheckpointStore.open(root)) {
            assertThat(reopened.load("t", "c1").state()).containsExactly(1, 2, 3);
        }
    }

    @Test
    @DisplayName("a second injector over a directory in use fails with the in-use error")
    void secondInjectorIsRefused() {
        Injector first = Guice.createInjector(new FilesystemStorageModule(new FilesystemSettings(root)));
        first.getInstance(CheckpointStore.class);
        try {
            Injector second = Guice.createInjector(new FilesystemStorageModule(new FilesystemSettings(root)));
            assertThatThrownBy(() -> second.getInstance(CheckpointStore.class))
                    .isInstanceOf(ProvisionException.class)
                    .hasRootCauseInstanceOf(DataDirectoryInUseException.class);
        } finally {
            first.getInstance(DataDirectory.class).close();
        }
    }
}
