package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leaves a thread directory the way a crash between the steps of a save or delete would, then
 * reopens: only whole checkpoints are visible, and the store carries on with the right sequence.
 */
class CrashRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    private static final ThreadKey T = ThreadKey.of("alice", "t");
    private static final ThreadKey U = ThreadKey.of("alice", "u");

    private Path root;
    private Path thread;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-crash-");
        thread = root.resolve("checkpoints").resolve("alice").resolve("t");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("debris of interrupted saves is invisible and removed; good checkpoints load; the next save continues the sequence")
    void interruptedSavesAreInvisible() throws IOException {
        saveAndClose(T, "c1", "c2", "c3", "c4", "c5", "c6");
        // c4: crashed after the state was renamed into place, before the metadata was
        Files.delete(meta(4, "c4"));
        // c5: metadata torn halfway through
        truncateToHalf(meta(5, "c5"));
        // c6: the metadata rename reached the disk but the state rename did not
        Files.delete(state(6, "c6"));
        // a save that died before its first rename
        Path temp = thread.resolve(".00000000000000000007_c7.state.4242.tmp");
        Files.write(temp, bytes("partial"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(ids(store.list(T))).containsExactly("c1", "c2", "c3");
            assertThat(store.count(T)).isEqualTo(3);
            assertThat(store.listThreads("alice")).containsExactly("t");
            assertThat(store.loadLatest(T).id()).isEqualTo("c3");
            assertThat(store.loadLatest(T).state()).isEqualTo(bytes("state of c3"));
            assertThat(store.load(T, "c1").state()).isEqualTo(bytes("state of c1"));
            for (String invisible : List.of("c4", "c5", "c6", "c7")) {
                assertThatThrownBy(() -> store.load(T, invisible)).isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(CheckpointException.Entity.CHECKPOINT));
            }

            assertThat(state(4, "c4")).doesNotExist();
            assertThat(meta(6, "c6")).doesNotExist();
            assertThat(temp).doesNotExist();
            // torn metadata is ignored, not destroyed: it may be all that is left of that checkpoint
            assertThat(meta(5, "c5")).exists();
            assertThat(state(5, "c5")).exists();

            store.save(T, CheckpointMetadata.of("c7", "t", T0, 7), bytes("state of c7"));
            assertThat(store.list(T)).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L, 4L);
            store.save(T, CheckpointMetadata.of("c8", "t", T0, 8), bytes("state of c8"));
            // a re-save of the torn checkpoint's id is not a duplicate: it never committed
            store.save(T, CheckpointMetadata.of("c5", "t", T0, 9), bytes("state of c5, again"));
        }

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(ids(store.list(T))).containsExactly("c1", "c2", "c3", "c7", "c8", "c5");
            assertThat(store.list(T)).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(store.load(T, "c5").state()).isEqualTo(bytes("state of c5, again"));
            assertThat(store.loadLatest(T).id()).isEqualTo("c5");
        }
    }

    @ParameterizedTest(name = "torn metadata of the latest checkpoint: {0}")
    @ValueSource(strings = {"truncated", "empty", "zeroed"})
    @DisplayName("torn metadata of the latest checkpoint hides only that checkpoint")
    void tornLatestMetadata(String damage) throws IOException {
        saveAndClose(T, "c1", "c2");
        Path latest = meta(2, "c2");
        switch (damage) {
            case "truncated" -> truncateToHalf(latest);
            case "empty" -> Files.write(latest, new byte[0]);
            default -> Files.write(latest, new byte[(int) Files.size(latest)]);
        }

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.loadLatest(T).id()).isEqualTo("c1");
            assertThat(store.count(T)).isEqualTo(1);
            store.save(T, CheckpointMetadata.of("c3", "t", T0, 3), bytes("three"));
            assertThat(store.loadLatest(T).metadata().sequence()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a thread holding only debris does not exist, and its next save starts at sequence 1")
    void threadWithOnlyDebris() throws IOException {
        saveAndClose(T, "c1");
        Files.delete(meta(1, "c1"));
        Path otherThread = root.resolve("checkpoints").resolve("alice").resolve("u");
        Files.createDirectories(otherThread);
        Files.write(otherThread.resolve(".00000000000000000001_x.meta.json.77.tmp"), bytes("{"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(store.listThreads("alice")).isEmpty();
            assertThat(store.count(T)).isZero();
            assertThat(store.list(U)).isEmpty();
            assertThatThrownBy(() -> store.load(T, "c1")).isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(CheckpointException.Entity.THREAD));
            assertThatThrownBy(() -> store.loadLatest(T)).isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(CheckpointException.Entity.THREAD));
            assertThat(TestDirectories.tree(thread)).isEmpty();
            assertThat(TestDirectories.tree(otherThread)).isEmpty();

            store.save(T, CheckpointMetadata.of("c2", "t", T0, 1), bytes("fresh"));
            assertThat(store.list(T)).extracting(CheckpointMetadata::sequence).containsExactly(1L);
            assertThat(store.listThreads("alice")).containsExactly("t");
        }
    }

    @Test
    @DisplayName("an interrupted delete (metadata gone, state left) stays deleted")
    void interruptedDelete() throws IOException {
        saveAndClose(T, "c1", "c2");
        Files.delete(meta(1, "c1"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThat(ids(store.list(T))).containsExactly("c2");
            assertThat(state(1, "c1")).doesNotExist();
        }
    }

    @Test
    @DisplayName("a failed metadata write leaves nothing behind and the thread still works")
    void failedMetadataWriteIsRolledBack() throws IOException {
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            store.save(T, CheckpointMetadata.of("c1", "t", T0, 1), bytes("one"));
            // A non-empty directory where the metadata file must go makes its rename fail.
            Path blocker = meta(2, "c2");
            Files.createDirectories(blocker.resolve("blocker"));

            assertThatThrownBy(() -> store.save(T, CheckpointMetadata.of("c2", "t", T0, 2), bytes("two")))
                    .isInstanceOf(CheckpointException.Backend.class)
                    .hasMessageContaining("c2");

            assertThat(state(2, "c2")).doesNotExist();
            assertThat(TestDirectories.tree(thread)).allMatch(name -> name.startsWith("00000000000000000001_c1.")
                    || name.startsWith("00000000000000000002_c2.meta.json"));
            assertThat(ids(store.list(T))).containsExactly("c1");
            assertThat(store.count(T)).isEqualTo(1);
            assertThatThrownBy(() -> store.load(T, "c2")).isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(CheckpointException.Entity.CHECKPOINT));

            TestDirectories.deleteRecursively(blocker);
            store.save(T, CheckpointMetadata.of("c2", "t", T0, 2), bytes("two"));
            assertThat(store.load(T, "c2").state()).isEqualTo(bytes("two"));
            assertThat(store.loadLatest(T).metadata().sequence()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a failed state write of a new thread leaves no checkpoint and no thread")
    void failedStateWriteOfNewThread() throws IOException {
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            Files.createDirectories(state(1, "c1").resolve("blocker"));

            assertThatThrownBy(() -> store.save(T, CheckpointMetadata.of("c1", "t", T0, 1), bytes("one")))
                    .isInstanceOf(CheckpointException.Backend.class);

            assertThat(store.listThreads("alice")).isEmpty();
            assertThat(store.count(T)).isZero();
            assertThat(meta(1, "c1")).doesNotExist();
        }
    }

    @Test
    @DisplayName("a state file damaged behind the store's back is a Backend error, never wrong bytes")
    void damagedStateIsReported() throws IOException {
        saveAndClose(T, "c1");
        truncateToHalf(state(1, "c1"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThatThrownBy(() -> store.load(T, "c1"))
                    .isInstanceOf(CheckpointException.Backend.class)
                    .hasMessageContaining("bytes");
        }
    }

    @Test
    @DisplayName("complete metadata of an unknown format is a Corrupt error, not silently hidden")
    void unknownFormatIsReported() throws IOException {
        saveAndClose(T, "c1");
        Path file = meta(1, "c1");
        Files.writeString(file, Files.readString(file).replace("\"format\" : 2", "\"format\" : 3"));

        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            assertThatThrownBy(() -> store.count(T))
                    .isInstanceOf(CheckpointException.Corrupt.class)
                    .hasMessageContaining("format 3");
        }
    }

    private void saveAndClose(ThreadKey thread, String... checkpointIds) {
        try (FilesystemCheckpointStore store = FilesystemCheckpointStore.open(root)) {
            long step = 1;
            for (String id : checkpointIds) {
                store.save(thread, CheckpointMetadata.of(id, thread.threadId(), T0, step++), bytes("state of " + id));
            }
        }
    }

    private Path meta(long sequence, String id) {
        return thread.resolve(new CheckpointFileName(sequence, id).metaFile());
    }

    private Path state(long sequence, String id) {
        return thread.resolve(new CheckpointFileName(sequence, id).stateFile());
    }

    private static void truncateToHalf(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(content, content.length / 2));
    }

    private static List<String> ids(List<CheckpointMetadata> metadata) {
        return metadata.stream().map(CheckpointMetadata::id).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
