package dev.salvo.storage.filesystem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DataDirectoryTest {

    private Path sandbox;
    private Path root;

    @BeforeEach
    void createSandbox() {
        sandbox = TestDirectories.create("salvo-datadir-");
        root = sandbox.resolve("nested").resolve("data");
    }

    @AfterEach
    void deleteSandbox() {
        TestDirectories.deleteRecursively(sandbox);
    }

    @Test
    @DisplayName("open creates the directory and a lock file naming this process")
    void createsAndRecordsOwner() throws IOException {
        try (DataDirectory directory = DataDirectory.open(root)) {
            assertThat(directory.root()).isEqualTo(root.toRealPath()).isDirectory();
            String lock = Files.readString(root.resolve(DataDirectory.LOCK_FILE_NAME));
            assertThat(lock).contains("pid=" + ProcessHandle.current().pid() + "\n").contains("started=");
        }
    }

    @Test
    @DisplayName("a second instance in the same JVM fails with a message naming the directory and the pid")
    void secondInstanceInThisProcess() throws IOException {
        try (DataDirectory first = DataDirectory.open(root)) {
            assertThatThrownBy(() -> DataDirectory.open(root))
                    .isInstanceOf(IllegalStateException.class)
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageStartingWith("data directory " + first.root() + " is in use by another Salvo process (pid "
                            + ProcessHandle.current().pid() + "); stop it or choose another --data-dir")
                    .satisfies(e -> {
                        DataDirectoryInUseException inUse = (DataDirectoryInUseException) e;
                        assertThat(inUse.directory()).isEqualTo(first.root());
                        assertThat(inUse.ownerPid()).hasValue(ProcessHandle.current().pid());
                    });
            assertThat(first.isOpen()).isTrue();
        }
    }

    @Test
    @DisplayName("after close the directory can be opened again; close is idempotent")
    void reopenAfterClose() {
        DataDirectory first = DataDirectory.open(root);
        first.close();
        first.close();
        assertThat(first.isOpen()).isFalse();
        try (DataDirectory second = DataDirectory.open(root)) {
            assertThat(second.isOpen()).isTrue();
        }
    }

    @Test
    @DisplayName("resolve builds paths below the root, one file name per segment")
    void resolveBelowRoot() {
        try (DataDirectory directory = DataDirectory.open(root)) {
            assertThat(directory.resolve("checkpoints", "t-1", "00000000000000000001_c.state"))
                    .isEqualTo(directory.root().resolve("checkpoints").resolve("t-1").resolve("00000000000000000001_c.state"));
            assertThat(directory.resolve("a..b", "...", ".hidden")).startsWithRaw(directory.root());
        }
    }

    @Test
    @DisplayName("resolve refuses anything that could leave the root")
    void resolveRefusesEscapes() {
        try (DataDirectory directory = DataDirectory.open(root)) {
            List<String[]> escapes = List.of(
                    new String[] {".."},
                    new String[] {"checkpoints", ".."},
                    new String[] {"checkpoints", "..", ".."},
                    new String[] {"."},
                    new String[] {""},
                    new String[] {"../x"},
                    new String[] {"..\\x"},
                    new String[] {"a/b"},
                    new String[] {"/etc"},
                    new String[] {"x\0y"});
            for (String[] segments : escapes) {
                assertThatThrownBy(() -> directory.resolve(segments))
                        .as(String.join(" | ", segments))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(TestDirectories.tree(sandbox)).containsExactly("nested", "nested/data", "nested/data/salvo.lock");
    }

    @Test
    @DisplayName("a closed directory refuses to resolve paths")
    void closedDirectoryRefuses() {
        DataDirectory directory = DataDirectory.open(root);
        directory.close();
        assertThatThrownBy(() -> directory.resolve("checkpoints")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a regular file where the directory should be is a clear I/O error")
    void fileInTheWay() throws IOException {
        Path file = Files.createFile(sandbox.resolve("not-a-directory"));
        assertThatThrownBy(() -> DataDirectory.open(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString());
    }
}
