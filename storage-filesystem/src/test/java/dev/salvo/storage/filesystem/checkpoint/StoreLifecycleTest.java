package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.TestDirectories;
import dev.salvo.storage.filesystem.io.DataDirectory;
import dev.salvo.storage.filesystem.io.DataDirectoryInUseException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StoreLifecycleTest {

    private static final ThreadKey T = ThreadKey.of("alice", "t");

    private Path root;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-lifecycle-");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("a closed store refuses every operation with a Backend error")
    void closedStoreRefuses() {
        FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root);
        store.save(T, CheckpointMetadata.of("c", "t", Instant.EPOCH, 0), new byte[1]);
        store.close();
        store.close();

        assertThatThrownBy(() -> store.save(T, CheckpointMetadata.of("d", "t", Instant.EPOCH, 0), new byte[1]))
                .isInstanceOf(CheckpointException.Backend.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.load(T, "c")).isInstanceOf(CheckpointException.Backend.class);
        assertThatThrownBy(() -> store.listThreads("alice")).isInstanceOf(CheckpointException.Backend.class);
    }

    @Test
    @DisplayName("a store opened with open() owns its directory; one built on a shared directory does not")
    void ownership() {
        try (DataDirectory shared = DataDirectory.open(root)) {
            assertThatThrownBy(() -> FilesystemCheckpointStore.open(root)).isInstanceOf(DataDirectoryInUseException.class);
            FilesystemCheckpointStore store = new FilesystemCheckpointStore(shared);
            store.save(T, CheckpointMetadata.of("c", "t", Instant.EPOCH, 0), new byte[1]);
            store.close();
            assertThat(shared.isOpen()).isTrue();

            FilesystemCheckpointStore again = new FilesystemCheckpointStore(shared);
            assertThat(again.count(T)).isEqualTo(1);
        }
        FilesystemCheckpointStore owning = FilesystemCheckpointStore.open(root);
        owning.close();
        try (DataDirectory reopened = DataDirectory.open(root)) {
            assertThat(reopened.isOpen()).isTrue();
        }
    }

    @Test
    @DisplayName("closing the data directory under a store makes the store refuse work")
    void directoryClosedUnderTheStore() {
        DataDirectory shared = DataDirectory.open(root);
        FilesystemCheckpointStore store = new FilesystemCheckpointStore(shared);
        shared.close();
        assertThatThrownBy(() -> store.count(T)).isInstanceOf(CheckpointException.Backend.class);
    }
}
