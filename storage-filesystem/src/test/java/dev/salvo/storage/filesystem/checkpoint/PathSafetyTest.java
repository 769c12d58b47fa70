package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Ids that look like paths are rejected before anything touches the disk, inside or outside the root. */
class PathSafetyTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final List<String> BAD_IDS = List.of(
            "..", ".", "", "../x", "..\\x", "a/b", "a\\b", "a/../../x", "/etc/passwd", "x\0y", "~", "a b",
            "checkpoints/../../escape", "a".repeat(129));

    private Path sandbox;
    private Path root;
    private FilesystemCheckpointStore store;

    @BeforeEach
    void open() {
        sandbox = TestDirectories.create("salvo-paths-");
        root = sandbox.resolve("data");
        store = FilesystemCheckpointStore.open(root);
    }

    @AfterEach
    void close() {
        store.close();
        TestDirectories.deleteRecursively(sandbox);
    }

    @Test
    @DisplayName("no operation with a path-like id creates, reads or deletes anything on disk")
    void badIdsNeverReachTheDisk() {
        store.save("good", CheckpointMetadata.of("c1", "good", T0, 1), bytes("x"));
        List<String> before = TestDirectories.tree(sandbox);

        for (String id : BAD_IDS) {
            List<ThrowingCallable> calls = List.of(
                    () -> store.save(id, CheckpointMetadata.of("c2", id, T0, 1), bytes("x")),
                    () -> store.save("good", CheckpointMetadata.of(id, "good", T0, 1), bytes("x")),
                    () -> store.save("good", CheckpointMetadata.of("c2", "good", T0, 1).withParentId(id), bytes("x")),
                    () -> store.load(id, "c1"),
                    () -> store.load("good", id),
                    () -> store.loadLatest(id),
                    () -> store.list(id),
                    () -> store.list("good", ListOptions.newest(5).before(id)),
                    () -> store.delete(id, "c1"),
                    () -> store.delete("good", id),
                    () -> store.deleteThread(id),
                    () -> store.count(id),
                    () -> store.prune(id, 0));
            for (ThrowingCallable call : calls) {
                InvalidState e = catchThrowableOfType(InvalidState.class, call);
                assertThat(e).as("id '%s'", id).isNotNull();
                assertThat(e.reason()).isEqualTo(Reason.INVALID_ID);
            }
        }

        assertThat(TestDirectories.tree(sandbox)).isEqualTo(before).containsExactly(
                "data",
                "data/checkpoints",
                "data/checkpoints/good",
                "data/checkpoints/good/00000000000000000001_c1.meta.json",
                "data/checkpoints/good/00000000000000000001_c1.state",
                "data/salvo.lock");
        assertThat(store.list("good")).hasSize(1);
    }

    @Test
    @DisplayName("directories under checkpoints/ whose names are not ids are never listed as threads")
    void foreignDirectoriesAreNotThreads() throws IOException {
        Files.createDirectories(root.resolve("checkpoints").resolve("not an id"));
        Files.createDirectories(root.resolve("checkpoints").resolve("lost+found"));
        store.save("good", CheckpointMetadata.of("c1", "good", T0, 1), bytes("x"));
        assertThat(store.listThreads()).containsExactly("good");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
