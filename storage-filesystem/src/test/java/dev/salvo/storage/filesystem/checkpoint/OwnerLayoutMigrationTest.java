package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.TestDirectories;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A data directory written before owners ({@code checkpoints/{principal}:{thread}/}, format-1 metadata)
 * opens in the owner layout: every thread moves to {@code checkpoints/{owner}/{thread}/} in one rename,
 * keeps its checkpoints, bytes and sequences, and the move survives being interrupted at any step.
 *
 * <p>The legacy files are written here exactly as the store wrote them before owners (same names, same
 * pretty-printed format-1 JSON, field for field).
 */
class OwnerLayoutMigrationTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    private Path root;
    private Path checkpoints;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-owners-");
        checkpoints = root.resolve("checkpoints");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("every legacy thread moves under its owner, split at the first ':', and reads as before")
    void legacyDataDirectoryIsReadable() throws IOException {
        writeLegacyCheckpoint("alice:run-42", 1, "c1", null, "first");
        writeLegacyCheckpoint("alice:run-42", 2, "c2", "c1", "second");
        writeLegacyCheckpoint("bob:run-42", 1, "c1", null, "bob's");
        writeLegacyCheckpoint("alice:a:b", 5, "x", null, "colon in the thread");
        // Written by callers of the port itself, without a principal: they go to UNOWNED.
        writeLegacyCheckpoint("plain", 1, "p", null, "no owner");
        writeLegacyCheckpoint("x:", 1, "p", null, "empty thread part");
        writeLegacyCheckpoint("alice", 1, "p", null, "a thread named like an owner");
        writeLegacyCheckpoint("UNOWNED", 1, "p", null, "a thread named like the default owner");

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.listThreads("alice")).containsExactly("a:b", "run-42");
            assertThat(store.listThreads("bob")).containsExactly("run-42");
            assertThat(store.listThreads("UNOWNED")).containsExactly("UNOWNED", "alice", "plain", "x:");

            ThreadKey run42 = ThreadKey.of("alice", "run-42");
            assertThat(store.list(run42)).containsExactly(
                    new CheckpointMetadata("c1", "run-42", T0, null, 1, "label of c1", List.of("t"), 5,
                            Map.of("k", "v"), 1),
                    new CheckpointMetadata("c2", "run-42", T0, "c1", 2, "label of c2", List.of("t"), 6,
                            Map.of("k", "v"), 2));
            assertThat(store.load(run42, "c1").state()).isEqualTo(bytes("first"));
            assertThat(store.loadLatest(run42).state()).isEqualTo(bytes("second"));
            assertThat(store.loadLatest(ThreadKey.of("bob", "run-42")).state()).isEqualTo(bytes("bob's"));
            assertThat(store.load(ThreadKey.of("alice", "a:b"), "x").metadata().sequence()).isEqualTo(5);
            assertThat(store.load(ThreadKey.of("alice", "a:b"), "x").metadata().threadId()).isEqualTo("a:b");
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "x:")).state()).isEqualTo(bytes("empty thread part"));
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "alice")).state()).isEqualTo(bytes("a thread named like an owner"));
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "UNOWNED")).state())
                    .isEqualTo(bytes("a thread named like the default owner"));
            assertThat(store.count(ThreadKey.of("bob", "a:b"))).isZero();

            // Sequences continue; new checkpoints are written in format 2 beside the old format-1 files.
            store.save(run42, CheckpointMetadata.of("c3", "run-42", T0, 3), bytes("third"));
            assertThat(store.list(run42)).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L);
            assertThat(Files.readString(checkpoints.resolve("alice/run-42/00000000000000000003_c3.meta.json")))
                    .contains("\"format\" : 2", "\"owner\" : \"alice\"", "\"thread_id\" : \"run-42\"");
            assertThat(Files.readString(checkpoints.resolve("alice/run-42/00000000000000000001_c1.meta.json")))
                    .contains("\"format\" : 1", "\"thread_id\" : \"alice:run-42\"");
            assertThatThrownBy(() -> store.save(run42, CheckpointMetadata.of("c1", "run-42", T0, 4), bytes("again")))
                    .isInstanceOf(CheckpointException.Conflict.class);
        }

        assertThat(TestDirectories.tree(root)).containsExactly(
                "checkpoints",
                "checkpoints/UNOWNED",
                "checkpoints/UNOWNED/UNOWNED",
                "checkpoints/UNOWNED/UNOWNED/00000000000000000001_p.meta.json",
                "checkpoints/UNOWNED/UNOWNED/00000000000000000001_p.state",
                "checkpoints/UNOWNED/alice",
                "checkpoints/UNOWNED/alice/00000000000000000001_p.meta.json",
                "checkpoints/UNOWNED/alice/00000000000000000001_p.state",
                "checkpoints/UNOWNED/plain",
                "checkpoints/UNOWNED/plain/00000000000000000001_p.meta.json",
                "checkpoints/UNOWNED/plain/00000000000000000001_p.state",
                "checkpoints/UNOWNED/x:",
                "checkpoints/UNOWNED/x:/00000000000000000001_p.meta.json",
                "checkpoints/UNOWNED/x:/00000000000000000001_p.state",
                "checkpoints/alice",
                "checkpoints/alice/a:b",
                "checkpoints/alice/a:b/00000000000000000005_x.meta.json",
                "checkpoints/alice/a:b/00000000000000000005_x.state",
                "checkpoints/alice/run-42",
                "checkpoints/alice/run-42/00000000000000000001_c1.meta.json",
                "checkpoints/alice/run-42/00000000000000000001_c1.state",
                "checkpoints/alice/run-42/00000000000000000002_c2.meta.json",
                "checkpoints/alice/run-42/00000000000000000002_c2.state",
                "checkpoints/alice/run-42/00000000000000000003_c3.meta.json",
                "checkpoints/alice/run-42/00000000000000000003_c3.state",
                "checkpoints/bob",
                "checkpoints/bob/run-42",
                "checkpoints/bob/run-42/00000000000000000001_c1.meta.json",
                "checkpoints/bob/run-42/00000000000000000001_c1.state",
                "salvo.lock");
    }

    @Test
    @DisplayName("a second open moves nothing and changes nothing")
    void migrationIsIdempotent() throws IOException {
        writeLegacyCheckpoint("alice:run-42", 1, "c1", null, "first");
        writeLegacyCheckpoint("plain", 1, "p", null, "no owner");
        FilesystemCheckpointStore.open(root).close();
        List<String> migrated = TestDirectories.tree(root);

        try (DataDirectory directory = DataDirectory.open(root)) {
            assertThat(new OwnerLayoutMigration(new CheckpointLayout(directory)).run()).isZero();
        }
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.loadLatest(ThreadKey.of("alice", "run-42")).state()).isEqualTo(bytes("first"));
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "plain")).state()).isEqualTo(bytes("no owner"));
        }
        assertThat(TestDirectories.tree(root)).isEqualTo(migrated);
    }

    @Test
    @DisplayName("a migration interrupted at any step finishes on the next open, with nothing lost or doubled")
    void interruptedMigrationFinishes() throws IOException {
        writeLegacyCheckpoint("alice:done", 1, "c1", null, "placed before the crash");
        writeLegacyCheckpoint("alice:staged", 1, "c1", null, "staged before the crash");
        writeLegacyCheckpoint("alice:untouched", 1, "c1", null, "not yet staged");
        writeLegacyCheckpoint("alice", 1, "c1", null, "an unowned thread, staged");
        writeLegacyCheckpoint("bob:untouched", 1, "c1", null, "another owner, not yet staged");
        // The state a crash in the middle of placing leaves: two renames done, two staged, two not begun,
        // and an owner directory created for a thread that was not moved into it yet.
        Path staging = Files.createDirectory(checkpoints.resolve("~legacy-threads"));
        Files.move(checkpoints.resolve("alice:staged"), staging.resolve("alice:staged"));
        Files.move(checkpoints.resolve("alice"), staging.resolve("alice"));
        Files.createDirectories(checkpoints.resolve("alice"));
        Files.move(checkpoints.resolve("alice:done"), checkpoints.resolve("alice/done"));
        Files.createDirectories(checkpoints.resolve("UNOWNED"));

        try (DataDirectory directory = DataDirectory.open(root)) {
            assertThat(new OwnerLayoutMigration(new CheckpointLayout(directory)).run()).isEqualTo(4);
        }

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.listThreads("alice")).containsExactly("done", "staged", "untouched");
            assertThat(store.listThreads("bob")).containsExactly("untouched");
            assertThat(store.listThreads("UNOWNED")).containsExactly("alice");
            assertThat(store.loadLatest(ThreadKey.of("alice", "done")).state()).isEqualTo(bytes("placed before the crash"));
            assertThat(store.loadLatest(ThreadKey.of("alice", "staged")).state()).isEqualTo(bytes("staged before the crash"));
            assertThat(store.loadLatest(ThreadKey.of("alice", "untouched")).state()).isEqualTo(bytes("not yet staged"));
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "alice")).state()).isEqualTo(bytes("an unowned thread, staged"));
            assertThat(store.loadLatest(ThreadKey.of("bob", "untouched")).state())
                    .isEqualTo(bytes("another owner, not yet staged"));
        }
        assertThat(staging).doesNotExist();
        assertThat(TestDirectories.tree(checkpoints)).filteredOn(path -> !path.contains("/0"))
                .containsExactly("UNOWNED", "UNOWNED/alice", "alice", "alice/done", "alice/staged", "alice/untouched",
                        "bob", "bob/untouched");
    }

    @Test
    @DisplayName("an empty staging directory left by a crash after the last move is removed")
    void emptyStagingIsRemoved() throws IOException {
        Files.createDirectories(checkpoints.resolve("~legacy-threads"));
        FilesystemCheckpointStore.open(root).close();
        assertThat(TestDirectories.tree(root)).containsExactly("checkpoints", "salvo.lock");
    }

    @Test
    @DisplayName("two legacy threads with one new place stop the open and lose nothing")
    void collisionsAreRefused() throws IOException {
        writeLegacyCheckpoint("UNOWNED:x", 1, "c1", null, "named UNOWNED");
        writeLegacyCheckpoint("x", 1, "c1", null, "without an owner");

        assertThatThrownBy(() -> FilesystemCheckpointStore.open(root))
                .isInstanceOf(CheckpointException.Backend.class)
                .hasMessageContaining("~legacy-threads/x")
                .hasMessageContaining("that thread exists already");
        // Staging renamed "UNOWNED:x" first (name order) and placed it; "x" waits in the staging directory.
        assertThat(Files.readAllBytes(checkpoints.resolve("UNOWNED/x/00000000000000000001_c1.state")))
                .isEqualTo(bytes("named UNOWNED"));
        assertThat(Files.readAllBytes(checkpoints.resolve("~legacy-threads/x/00000000000000000001_c1.state")))
                .isEqualTo(bytes("without an owner"));
        // The directory is released: fixing the collision by hand and opening again works.
        Files.move(checkpoints.resolve("~legacy-threads/x"), root.resolve("x-moved-aside"));
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.listThreads("UNOWNED")).containsExactly("x");
        }
    }

    @Test
    @DisplayName("a directory holding both checkpoint files and thread directories is refused, not guessed at")
    void ambiguousDirectoriesAreRefused() throws IOException {
        writeLegacyCheckpoint("alice", 1, "c1", null, "a legacy thread named alice");
        Files.createDirectories(checkpoints.resolve("alice/run-1"));

        assertThatThrownBy(() -> FilesystemCheckpointStore.open(root))
                .isInstanceOf(CheckpointException.Backend.class)
                .hasMessageContaining("holds both checkpoint files");
        assertThat(checkpoints.resolve("alice/00000000000000000001_c1.state")).exists();
    }

    @Test
    @DisplayName("an owner directory with stray files of other kinds is left alone")
    void ownerDirectoriesWithForeignFilesStay() throws IOException {
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            store.save(ThreadKey.of("alice", "t"), CheckpointMetadata.of("c1", "t", T0, 1), bytes("x"));
        }
        Files.writeString(checkpoints.resolve("alice/notes.txt"), "operator's notes");
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.listThreads("alice")).containsExactly("t");
            assertThat(store.listThreads("UNOWNED")).isEmpty();
        }
    }

    @Test
    @DisplayName("format-1 metadata that names another thread than its directory is Corrupt")
    void mismatchedLegacyMetadataIsCorrupt() throws IOException {
        writeLegacyCheckpoint("alice:t", 1, "c1", null, "x");
        Path file = checkpoints.resolve("alice:t/00000000000000000001_c1.meta.json");
        Files.writeString(file, Files.readString(file).replace("alice:t", "bob:t"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThatThrownBy(() -> store.count(ThreadKey.of("alice", "t")))
                    .isInstanceOf(CheckpointException.Corrupt.class)
                    .hasMessageContaining("of thread t of owner bob");
        }
    }

    /** One checkpoint exactly as the store wrote it before owners. */
    private void writeLegacyCheckpoint(String legacyThreadId, long sequence, String id, String parentId, String state)
            throws IOException {
        Path thread = Files.createDirectories(checkpoints.resolve(legacyThreadId));
        String stem = String.format("%020d_%s", sequence, id);
        Files.write(thread.resolve(stem + ".state"), bytes(state));
        Files.writeString(thread.resolve(stem + ".meta.json"), """
                {
                  "format" : 1,
                  "id" : "%s",
                  "thread_id" : "%s",
                  "sequence" : %d,
                  "created_at" : "2026-01-02T03:04:05.123456Z",
                  "parent_id" : %s,
                  "step" : %d,
                  "label" : "label of %s",
                  "tags" : [ "t" ],
                  "custom" : {
                    "k" : "v"
                  },
                  "state_size" : %d
                }""".formatted(id, legacyThreadId, sequence, parentId == null ? "null" : "\"" + parentId + "\"",
                sequence, id, bytes(state).length));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
