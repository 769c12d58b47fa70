package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
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

/** Owners and ids that look like paths are rejected before anything touches the disk, inside or outside the root. */
class PathSafetyTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final List<String> BAD_IDS = List.of(
            "..", ".", "", "../x", "..\\x", "a/b", "a\\b", "a/../../x", "/etc/passwd", "x\0y", "~", "a b",
            "checkpoints/../../escape", "a".repeat(129));
    private static final ThreadKey GOOD = ThreadKey.of("alice", "good");

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
        store.save(GOOD, CheckpointMetadata.of("c1", "good", T0, 1), bytes("x"));
        List<String> before = TestDirectories.tree(sandbox);

        List<String> badOwners = new java.util.ArrayList<>(BAD_IDS);
        badOwners.addAll(List.of("a:b", ":", "..:x", "checkpoints:..", "~legacy-threads"));
        for (String id : BAD_IDS) {
            List<ThrowingCallable> calls = List.of(
                    () -> store.save(ThreadKey.of("alice", id), CheckpointMetadata.of("c2", id, T0, 1), bytes("x")),
                    () -> store.save(GOOD, CheckpointMetadata.of(id, "good", T0, 1), bytes("x")),
                    () -> store.save(GOOD, CheckpointMetadata.of("c2", "good", T0, 1).withParentId(id), bytes("x")),
                    () -> store.load(ThreadKey.of("alice", id), "c1"),
                    () -> store.load(GOOD, id),
                    () -> store.loadLatest(ThreadKey.of("alice", id)),
                    () -> store.list(ThreadKey.of("alice", id)),
                    () -> store.list(GOOD, ListOptions.newest(5).before(id)),
                    () -> store.delete(ThreadKey.of("alice", id), "c1"),
                    () -> store.delete(GOOD, id),
                    () -> store.deleteThread(ThreadKey.of("alice", id)),
                    () -> store.count(ThreadKey.of("alice", id)),
                    () -> store.prune(ThreadKey.of("alice", id), 0),
                    () -> store.listThreads("alice", ThreadListOptions.first(5).after(id)));
            assertAllInvalid(id, calls);
        }
        for (String owner : badOwners) {
            List<ThrowingCallable> calls = List.of(
                    () -> store.save(ThreadKey.of(owner, "good"), CheckpointMetadata.of("c2", "good", T0, 1), bytes("x")),
                    () -> store.load(ThreadKey.of(owner, "good"), "c1"),
                    () -> store.deleteThread(ThreadKey.of(owner, "good")),
                    () -> store.prune(ThreadKey.of(owner, "good"), 0),
                    () -> store.listThreads(owner),
                    () -> store.listThreads(owner, ThreadListOptions.first(1)));
            assertAllInvalid(owner, calls);
        }

        assertThat(TestDirectories.tree(sandbox)).isEqualTo(before).containsExactly(
                "data",
                "data/checkpoints",
                "data/checkpoints/alice",
                "data/checkpoints/alice/good",
                "data/checkpoints/alice/good/00000000000000000001_c1.meta.json",
                "data/checkpoints/alice/good/00000000000000000001_c1.state",
                "data/salvo.lock");
        assertThat(store.list(GOOD)).hasSize(1);
    }

    private static void assertAllInvalid(String id, List<ThrowingCallable> calls) {
        for (ThrowingCallable call : calls) {
            Validation e = catchThrowableOfType(Validation.class, call);
            assertThat(e).as("id '%s'", id).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ID);
        }
    }

    @Test
    @DisplayName("entries under an owner's directory that are not directories named by ids are never listed as threads")
    void foreignDirectoriesAreNotThreads() throws IOException {
        Files.createDirectories(root.resolve("checkpoints").resolve("alice").resolve("not an id"));
        Files.createDirectories(root.resolve("checkpoints").resolve("alice").resolve("lost+found"));
        Files.write(root.resolve("checkpoints").resolve("alice").resolve("a-file"), bytes("x"));
        store.save(GOOD, CheckpointMetadata.of("c1", "good", T0, 1), bytes("x"));
        assertThat(store.listThreads("alice")).containsExactly("good");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
