package dev.salvo.storage.filesystem.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path directory;

    @Test
    @DisplayName("writeDurably creates or replaces the file and leaves no temporary file")
    void writesAndReplaces() throws IOException {
        Path target = directory.resolve("doc.json");
        AtomicFiles.writeDurably(target, bytes("first"));
        AtomicFiles.writeDurably(target, bytes("second, longer"));
        AtomicFiles.writeDurably(directory.resolve("empty"), new byte[0]);

        assertThat(target).hasBinaryContent(bytes("second, longer"));
        assertThat(directory.resolve("empty")).isEmptyFile();
        assertThat(TestDirectories.tree(directory)).containsExactly("doc.json", "empty");
    }

    @Test
    @DisplayName("streamed content is written the same way")
    void streamedContent() throws IOException {
        Path target = directory.resolve("stream.bin");
        AtomicFiles.writeDurably(target, out -> {
            for (int i = 0; i < 1000; i++) {
                out.write(bytes("line " + i + "\n"));
            }
        });
        assertThat(Files.readAllLines(target)).hasSize(1000).endsWith("line 999");
        assertThat(TestDirectories.tree(directory)).containsExactly("stream.bin");
    }

    @Test
    @DisplayName("a writer that fails midway leaves the old content and no temporary file")
    void failedWriteKeepsOldContent() throws IOException {
        Path target = directory.resolve("doc.json");
        AtomicFiles.writeDurably(target, bytes("old"));

        assertThatThrownBy(() -> AtomicFiles.publish(target, out -> {
            out.write(bytes("half of the new"));
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");

        assertThat(target).hasBinaryContent(bytes("old"));
        assertThat(TestDirectories.tree(directory)).containsExactly("doc.json");
    }

    @Test
    @DisplayName("the temporary files a crash may leave are recognisable")
    void temporaryFileNames() throws IOException {
        Path target = directory.resolve("00000000000000000001_c.state");
        Path[] seen = new Path[1];
        AtomicFiles.publish(target, out -> {
            try (var files = Files.list(directory)) {
                seen[0] = files.filter(p -> !p.equals(target)).findFirst().orElseThrow();
            }
        });
        assertThat(AtomicFiles.isTemporaryFile(seen[0])).isTrue();
        assertThat(seen[0].getFileName().toString()).startsWith(".00000000000000000001_c.state.");
        assertThat(AtomicFiles.isTemporaryFile(target)).isFalse();
        assertThat(AtomicFiles.isTemporaryFile(Path.of("x.tmp"))).isFalse();
        assertThat(AtomicFiles.isTemporaryFile(Path.of(".tmp"))).isFalse();
    }

    @Test
    @DisplayName("syncDirectory accepts an ordinary directory")
    void syncsDirectory() throws IOException {
        AtomicFiles.syncDirectory(directory);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
