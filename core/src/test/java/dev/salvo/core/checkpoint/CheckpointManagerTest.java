package dev.salvo.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException.Entity;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointManagerTest {

    /** 1772359200123 ms: generated ids start with 019ca8d7-2d7b-7. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00.123456789Z"), ZoneOffset.UTC);
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00.123456Z");
    private static final byte[] STATE = {1, 2, 3};

    private static final ThreadKey T1 = key("t1");
    private static final ThreadKey T2 = key("t2");
    private static final ThreadKey T9 = key("t9");
    private static final ThreadKey SRC = key("src");
    private static final ThreadKey DST = key("dst");

    private final FakeCheckpointStore store = new FakeCheckpointStore();
    private final CheckpointManager manager = new CheckpointManager(store, CLOCK);

    private static ThreadKey key(String threadId) {
        return ThreadKey.of("alice", threadId);
    }

    private static List<String> ids(List<CheckpointMetadata> list) {
        return list.stream().map(CheckpointMetadata::id).toList();
    }

    @Test
    void theFirstSaveOfAThreadIsARootAtStepOne() {
        CheckpointMetadata m = manager.save(T1, STATE);
        assertThat(m.id()).hasSize(36).startsWith("019ca8d7-2d7b-7");
        assertThat(m).isEqualTo(new CheckpointMetadata(m.id(), "t1", CREATED, null, 1, null, List.of(), 3, Map.of(), 0));
        Checkpoint stored = store.loadLatest(T1);
        assertThat(stored.state()).containsExactly(1, 2, 3);
        assertThat(stored.metadata()).isEqualTo(new CheckpointMetadata(m.id(), "t1", CREATED, null, 1, null, List.of(), 3,
                Map.of(), 1));
    }

    @Test
    void laterSavesContinueFromTheLatestCheckpoint() {
        CheckpointMetadata first = manager.save(T1, STATE);
        CheckpointMetadata second = manager.save(T1, new byte[] {9});
        CheckpointMetadata third = manager.save(T1, new byte[0]);
        assertThat(second.parentId()).isEqualTo(first.id());
        assertThat(second.step()).isEqualTo(2);
        assertThat(second.stateSize()).isEqualTo(1);
        assertThat(third.parentId()).isEqualTo(second.id());
        assertThat(third.step()).isEqualTo(3);
        assertThat(third.stateSize()).isZero();
        assertThat(List.of(first.id(), second.id(), third.id())).doesNotHaveDuplicates();
        // Another thread starts its own history.
        CheckpointMetadata other = manager.save(T2, STATE);
        assertThat(other.parentId()).isNull();
        assertThat(other.step()).isEqualTo(1);
    }

    @Test
    void labelTagsAndCustomEntriesReachTheStore() {
        CheckpointMetadata m = manager.save(T1, STATE,
                SaveOptions.labelled("before-tool").withTags("a", "b").withCustom(Map.of("k", "v")));
        assertThat(m.label()).isEqualTo("before-tool");
        assertThat(m.tags()).containsExactly("a", "b");
        assertThat(m.custom()).isEqualTo(Map.of("k", "v"));
        assertThat(store.loadLatest(T1).metadata().label()).isEqualTo("before-tool");
        assertThat(store.loadLatest(T1).metadata().tags()).containsExactly("a", "b");
        assertThat(store.loadLatest(T1).metadata().custom()).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void anExplicitIdParentAndStepAreUsedAsGivenWithoutReadingTheThread() {
        manager.save(T1, STATE);
        store.calls.clear();
        CheckpointMetadata m = manager.save(T1, STATE,
                SaveOptions.none().withCheckpointId("c-9").withParentId("p-1").withStep(7L));
        assertThat(m).isEqualTo(new CheckpointMetadata("c-9", "t1", CREATED, "p-1", 7, null, List.of(), 3, Map.of(), 0));
        assertThat(store.calls).containsExactly("save alice/t1 c-9", "prune alice/t1 100");
    }

    @Test
    void aGivenParentOrStepAloneStillDerivesTheOther() {
        manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c1").withStep(5L));
        CheckpointMetadata parentOnly = manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c2").withParentId("c0"));
        assertThat(parentOnly.parentId()).isEqualTo("c0");
        assertThat(parentOnly.step()).isEqualTo(6);
        CheckpointMetadata stepOnly = manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c3").withStep(40L));
        assertThat(stepOnly.parentId()).isEqualTo("c2");
        assertThat(stepOnly.step()).isEqualTo(40);
        CheckpointMetadata root = manager.save(T9, STATE, SaveOptions.none().withCheckpointId("r").withStep(0L));
        assertThat(root.parentId()).isNull();
        assertThat(root.step()).isZero();
    }

    @Test
    void everySavePrunesToTheConfiguredMaximum() {
        CheckpointManager keepTwo = new CheckpointManager(store, CLOCK, 2);
        for (String id : List.of("c1", "c2", "c3")) {
            keepTwo.save(T1, STATE, SaveOptions.none().withCheckpointId(id));
        }
        assertThat(ids(store.list(T1))).containsExactly("c2", "c3");
        assertThat(store.calls).filteredOn(c -> c.startsWith("prune")).containsExactly("prune alice/t1 2", "prune alice/t1 2", "prune alice/t1 2");
        assertThat(CheckpointManager.DEFAULT_MAX_CHECKPOINTS_PER_THREAD).isEqualTo(100);
    }

    @Test
    void keepOneKeepsOnlyTheNewest() {
        CheckpointManager keepOne = new CheckpointManager(store, CLOCK, 1);
        keepOne.save(T1, STATE, SaveOptions.none().withCheckpointId("c1"));
        keepOne.save(T1, STATE, SaveOptions.none().withCheckpointId("c2"));
        assertThat(ids(store.list(T1))).containsExactly("c2");
    }

    @Test
    void zeroDisablesPruning() {
        CheckpointManager unbounded = new CheckpointManager(store, CLOCK, 0);
        for (String id : List.of("c1", "c2", "c3")) {
            unbounded.save(T1, STATE, SaveOptions.none().withCheckpointId(id));
        }
        assertThat(ids(store.list(T1))).containsExactly("c1", "c2", "c3");
        assertThat(store.calls).noneMatch(c -> c.startsWith("prune"));
    }

    @Test
    void constructorChecksItsArguments() {
        assertThatThrownBy(() -> new CheckpointManager(store, CLOCK, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxCheckpointsPerThread must be 0 (no pruning) or positive");
        assertThatThrownBy(() -> new CheckpointManager(null, CLOCK)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CheckpointManager(store, null)).isInstanceOf(NullPointerException.class);
        assertThat(manager.store()).isSameAs(store);
    }

    @Test
    void aMissingThreadIsRejectedBeforeTheStoreIsTouched() {
        assertThatThrownBy(() -> manager.save(null, STATE))
                .isInstanceOfSatisfying(Validation.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
        assertThatThrownBy(() -> manager.fork(null, "s1", "dst"))
                .isInstanceOfSatisfying(Validation.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
        assertThatThrownBy(() -> manager.save(T1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> manager.save(T1, STATE, null)).isInstanceOf(NullPointerException.class);
        assertThat(store.calls).isEmpty();
    }

    @Test
    void readsGoToTheStore() {
        manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c1"));
        manager.save(T1, new byte[] {7}, SaveOptions.none().withCheckpointId("c2"));
        manager.save(T2, STATE, SaveOptions.none().withCheckpointId("d1"));
        assertThat(manager.load(T1, "c1").state()).containsExactly(1, 2, 3);
        assertThat(manager.loadLatest(T1).id()).isEqualTo("c2");
        assertThat(manager.latestMetadata(T1).orElseThrow().id()).isEqualTo("c2");
        assertThat(manager.latestMetadata(key("nothing-here"))).isEmpty();
        assertThat(ids(manager.history(T1))).containsExactly("c1", "c2");
        assertThat(ids(manager.history(T1, ListOptions.newest(1)))).containsExactly("c2");
        manager.save(ThreadKey.of("bob", "t1"), STATE, SaveOptions.none().withCheckpointId("b1"));
        assertThat(manager.listThreads("alice")).containsExactly("t1", "t2");
        assertThat(manager.listThreads("alice", ThreadListOptions.first(1).after("t1"))).containsExactly("t2");
        manager.deleteThread(T1);
        assertThat(manager.listThreads("alice")).containsExactly("t2");
        assertThat(manager.listThreads("bob")).containsExactly("t1");
    }

    @Test
    void forkCopiesACheckpointIntoAnotherThreadWithItsProvenance() {
        manager.save(SRC, new byte[] {4, 5},
                SaveOptions.labelled("L").withTags("x").withCustom(Map.of("a", "1")).withCheckpointId("s1"));
        manager.save(SRC, STATE, SaveOptions.none().withCheckpointId("s2"));

        CheckpointMetadata copy = manager.fork(SRC, "s1", "dst");
        assertThat(copy.threadId()).isEqualTo("dst");
        assertThat(copy.parentId()).isNull();
        assertThat(copy.step()).isEqualTo(1);
        assertThat(copy.label()).isEqualTo("L");
        assertThat(copy.tags()).containsExactly("x");
        assertThat(copy.custom()).isEqualTo(Map.of("a", "1", "forked_from_thread", "src", "forked_from_checkpoint", "s1"));
        assertThat(store.loadLatest(DST).state()).containsExactly(4, 5);

        CheckpointMetadata second = manager.fork(SRC, "s2", "dst");
        assertThat(second.parentId()).isEqualTo(copy.id());
        assertThat(second.step()).isEqualTo(2);
        assertThat(second.label()).isNull();
        assertThat(second.custom()).isEqualTo(Map.of("forked_from_thread", "src", "forked_from_checkpoint", "s2"));
        // The source is unchanged.
        assertThat(ids(store.list(SRC))).containsExactly("s1", "s2");
        assertThat(CheckpointManager.FORKED_FROM_THREAD).isEqualTo("forked_from_thread");
        assertThat(CheckpointManager.FORKED_FROM_CHECKPOINT).isEqualTo("forked_from_checkpoint");
    }

    @Test
    void forkChecksTheTargetThreadIdBeforeReadingTheSource() {
        manager.save(SRC, STATE, SaveOptions.none().withCheckpointId("s1"));
        store.calls.clear();
        assertThatThrownBy(() -> manager.fork(SRC, "s1", "../dst"))
                .isInstanceOfSatisfying(Validation.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ID));
        assertThat(store.calls).isEmpty();
        assertThatThrownBy(() -> manager.fork(SRC, "missing", "dst"))
                .isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(Entity.CHECKPOINT));
        assertThatThrownBy(() -> manager.fork(key("nothing"), "s1", "dst"))
                .isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> assertThat(e.entity()).isEqualTo(Entity.THREAD));
    }

    @Test
    void aForkStaysWithTheSourcesOwner() {
        manager.save(SRC, STATE, SaveOptions.none().withCheckpointId("s1"));
        manager.fork(SRC, "s1", "dst");
        assertThat(store.count(ThreadKey.of("alice", "dst"))).isEqualTo(1);
        assertThat(store.listThreads("bob")).isEmpty();
    }

    @Test
    void rewindDeletesEverythingSavedAfterTheCheckpoint() {
        for (String id : List.of("c1", "c2", "c3", "c4")) {
            manager.save(T1, STATE, SaveOptions.none().withCheckpointId(id));
        }
        assertThat(manager.rewind(T1, "c2")).isEqualTo(2);
        assertThat(ids(store.list(T1))).containsExactly("c1", "c2");
        assertThat(manager.loadLatest(T1).id()).isEqualTo("c2");
        assertThat(manager.rewind(T1, "c2")).isZero();
        assertThat(manager.rewind(T1, "c1")).isEqualTo(1);
        assertThat(ids(store.list(T1))).containsExactly("c1");
    }

    @Test
    void rewindToAnUnknownCheckpointOrThreadChangesNothing() {
        manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c1"));
        manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c2"));
        assertThatThrownBy(() -> manager.rewind(T1, "zz"))
                .isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> {
                    assertThat(e.entity()).isEqualTo(Entity.CHECKPOINT);
                    assertThat(e.thread()).isEqualTo(ThreadKey.of("alice", "t1"));
                    assertThat(e.checkpointId()).isEqualTo("zz");
                });
        assertThat(ids(store.list(T1))).containsExactly("c1", "c2");
        assertThatThrownBy(() -> manager.rewind(key("empty"), "c1"))
                .isInstanceOfSatisfying(CheckpointException.NotFound.class, e -> {
                    assertThat(e.entity()).isEqualTo(Entity.THREAD);
                    assertThat(e.thread()).isEqualTo(ThreadKey.of("alice", "empty"));
                    assertThat(e.checkpointId()).isNull();
                });
    }

    @Test
    void findByTagAndByLabel() {
        manager.save(T1, STATE, SaveOptions.labelled("x").withTags("red").withCheckpointId("c1"));
        manager.save(T1, STATE, SaveOptions.labelled("y").withTags("blue").withCheckpointId("c2"));
        manager.save(T1, STATE, SaveOptions.labelled("x").withTags("red", "blue").withCheckpointId("c3"));
        manager.save(T1, STATE, SaveOptions.none().withCheckpointId("c4"));
        assertThat(ids(manager.findByTag(T1, "red"))).containsExactly("c1", "c3");
        assertThat(ids(manager.findByTag(T1, "blue"))).containsExactly("c2", "c3");
        assertThat(manager.findByTag(T1, "green")).isEmpty();
        assertThat(manager.findByLabel(T1, "x").orElseThrow().id()).isEqualTo("c1");
        assertThat(manager.findByLabel(T1, "y").orElseThrow().id()).isEqualTo("c2");
        assertThat(manager.findByLabel(T1, "z")).isEmpty();
    }
}
