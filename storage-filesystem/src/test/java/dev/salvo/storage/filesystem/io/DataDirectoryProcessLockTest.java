package dev.salvo.storage.filesystem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lock is an operating-system lock: a second process is turned away, with a message naming the owner. */
class DataDirectoryProcessLockTest {

    /** Bounds a hung child JVM; not a speed assertion. */
    private static final long CHILD_TIMEOUT_MINUTES = 2;

    private Path root;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-lock-");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("another process fails clearly while the lock is held, and opens the directory once it is released")
    void anotherProcessWaitsForTheOwner() throws Exception {
        try (DataDirectory owner = DataDirectory.open(root)) {
            ProbeResult refused = probe();
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(LockProbe.IN_USE);
            assertThat(refused.output()).contains("data directory " + owner.root()
                    + " is in use by another Salvo process (pid " + ProcessHandle.current().pid()
                    + "); stop it or choose another --data-dir");
        }

        ProbeResult opened = probe();
        assertThat(opened.exitCode()).as(opened.output()).isEqualTo(LockProbe.OPENED);
        assertThat(opened.output()).contains("opened " + root.toRealPath());
    }

    @Test
    @DisplayName("a refused second open in this process does not release the owner's lock")
    void refusedSecondOpenKeepsTheLock() throws Exception {
        try (DataDirectory owner = DataDirectory.open(root)) {
            assertThatThrownBy(() -> DataDirectory.open(root)).isInstanceOf(DataDirectoryInUseException.class);
            assertThatThrownBy(() -> DataDirectory.open(root.resolve("."))).isInstanceOf(DataDirectoryInUseException.class);

            ProbeResult refused = probe();
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(LockProbe.IN_USE);
            assertThat(owner.isOpen()).isTrue();
        }
    }

    private ProbeResult probe() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // A file, not a pipe: reading a pipe would block past the timeout if the child hung.
        Path output = Files.createTempFile("salvo-lock-probe-", ".out");
        try {
            Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    LockProbe.class.getName(), root.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("lock probe did not finish; output so far: " + Files.readString(output));
            }
            return new ProbeResult(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private record ProbeResult(int exitCode, String output) {
    }
}
