package dev.salvo.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CheckpointMetadata, SaveOptions, Checkpoint and the exception family. */
class CheckpointValuesTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00.123456789Z");
    private static final Instant T_MICROS = Instant.parse("2026-03-01T10:00:00.123456Z");

    @Test
    void metadataKeepsMicrosecondsCopiesAndSortsCustomEntries() {
        List<String> tags = new ArrayList<>(List.of("b", "a"));
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("z", "1");
        custom.put("a", "2");
        CheckpointMetadata m = new CheckpointMetadata("c1", "t1", T, "p", 3, "l", tags, 10, custom, 4);
        tags.add("c");
        custom.put("m", "3");
        assertThat(m.createdAt()).isEqualTo(T_MICROS);
        assertThat(m.tags()).containsExactly("b", "a");
        assertThat(m.custom()).containsExactly(Map.entry("a", "2"), Map.entry("z", "1"));
        assertThatThrownBy(() -> m.custom().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new CheckpointMetadata("c1", "t1", T, null, 0, null, null, 0, null, 0).tags()).isEmpty();
        assertThat(new CheckpointMetadata("c1", "t1", T, null, 0, null, null, 0, null, 0).custom()).isEmpty();
    }

    @Test
    void metadataRejectsNegativeNumbersAndMissingIdentity() {
        assertThatThrownBy(() -> new CheckpointMetadata("c", "t", T, null, -1, null, null, 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("step must not be negative");
        assertThatThrownBy(() -> new CheckpointMetadata("c", "t", T, null, 0, null, null, -1, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stateSize and sequence must not be negative");
        assertThatThrownBy(() -> new CheckpointMetadata("c", "t", T, null, 0, null, null, 0, null, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stateSize and sequence must not be negative");
        assertThatThrownBy(() -> new CheckpointMetadata(null, "t", T, null, 0, null, null, 0, null, 0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CheckpointMetadata("c", null, T, null, 0, null, null, 0, null, 0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CheckpointMetadata("c", "t", null, null, 0, null, null, 0, null, 0))
                .isInstanceOf(NullPointerException.class);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> new CheckpointMetadata("c", "t", T, null, 0, null, null, 0, nullValue, 0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void metadataCopies() {
        CheckpointMetadata root = CheckpointMetadata.of("c1", "t1", T, 2);
        assertThat(root).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, null, 2, null, List.of(), 0, Map.of(), 0));
        assertThat(root.parent()).isEmpty();
        assertThat(root.labelValue()).isEmpty();
        CheckpointMetadata full = root.withParentId("p").withLabel("l").withTags(List.of("x")).withCustom(Map.of("k", "v"));
        assertThat(full).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "p", 2, "l", List.of("x"), 0, Map.of("k", "v"), 0));
        assertThat(full.parent()).contains("p");
        assertThat(full.labelValue()).contains("l");
        assertThat(full.asStored(7, 42))
                .isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "p", 2, "l", List.of("x"), 42, Map.of("k", "v"), 7));
        CheckpointMetadata stored = full.asStored(7, 42);
        assertThat(stored.withParentId(null).stateSize()).isEqualTo(42);
        assertThat(stored.withParentId(null).sequence()).isEqualTo(7);
        assertThat(stored.withLabel(null)).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "p", 2, null, List.of("x"), 42, Map.of("k", "v"), 7));
        assertThat(stored.withTags(null)).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "p", 2, "l", List.of(), 42, Map.of("k", "v"), 7));
        assertThat(stored.withCustom(null)).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "p", 2, "l", List.of("x"), 42, Map.of(), 7));
        assertThat(stored.withParentId("q")).isEqualTo(new CheckpointMetadata("c1", "t1", T_MICROS, "q", 2, "l", List.of("x"), 42, Map.of("k", "v"), 7));
    }

    @Test
    void saveOptionsDefaultsAndCopies() {
        assertThat(SaveOptions.none()).isEqualTo(new SaveOptions(null, List.of(), Map.of(), null, null, null));
        assertThat(new SaveOptions(null, null, null, null, null, null)).isEqualTo(SaveOptions.none());
        assertThat(SaveOptions.labelled("l")).isEqualTo(new SaveOptions("l", List.of(), Map.of(), null, null, null));
        SaveOptions full = SaveOptions.labelled("l").withTags("a", "b").withCustom(Map.of("k", "v"))
                .withCheckpointId("c").withParentId("p").withStep(3L);
        assertThat(full).isEqualTo(new SaveOptions("l", List.of("a", "b"), Map.of("k", "v"), "c", "p", 3L));
        assertThat(full.withLabel(null)).isEqualTo(new SaveOptions(null, List.of("a", "b"), Map.of("k", "v"), "c", "p", 3L));
        assertThat(full.withTags(List.of())).isEqualTo(new SaveOptions("l", List.of(), Map.of("k", "v"), "c", "p", 3L));
        assertThat(full.withCustom(null)).isEqualTo(new SaveOptions("l", List.of("a", "b"), Map.of(), "c", "p", 3L));
        assertThat(full.withCheckpointId(null)).isEqualTo(new SaveOptions("l", List.of("a", "b"), Map.of("k", "v"), null, "p", 3L));
        assertThat(full.withParentId(null)).isEqualTo(new SaveOptions("l", List.of("a", "b"), Map.of("k", "v"), "c", null, 3L));
        assertThat(full.withStep(null)).isEqualTo(new SaveOptions("l", List.of("a", "b"), Map.of("k", "v"), "c", "p", null));
        assertThat(SaveOptions.none().withStep(0L).step()).isZero();
        assertThatThrownBy(() -> SaveOptions.none().withStep(-1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("step must not be negative");
    }

    @Test
    void lineageIsDerivedUnlessBothParentAndStepAreGiven() {
        assertThat(SaveOptions.none().derivesLineage()).isTrue();
        assertThat(SaveOptions.none().withParentId("p").derivesLineage()).isTrue();
        assertThat(SaveOptions.none().withStep(1L).derivesLineage()).isTrue();
        assertThat(SaveOptions.none().withParentId("p").withStep(1L).derivesLineage()).isFalse();
    }

    @Test
    void checkpointsCompareTheirStateByContent() {
        CheckpointMetadata m = CheckpointMetadata.of("c1", "t1", T, 1);
        Checkpoint a = new Checkpoint(m, new byte[] {1, 2});
        Checkpoint b = new Checkpoint(m, new byte[] {1, 2});
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a).isNotEqualTo(new Checkpoint(m, new byte[] {1, 3}));
        assertThat(a).isNotEqualTo(new Checkpoint(m.withLabel("x"), new byte[] {1, 2}));
        assertThat(a).isNotEqualTo("c1");
        assertThat(a.hashCode()).isNotEqualTo(new Checkpoint(m, new byte[] {1, 3}).hashCode());
        assertThat(a.hashCode()).isEqualTo(31 * m.hashCode() + 994);
        assertThat(a.id()).isEqualTo("c1");
        assertThat(a.toString()).isEqualTo("Checkpoint[" + m + ", state=2 bytes]");
        assertThatThrownBy(() -> new Checkpoint(null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Checkpoint(m, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void exceptionsCarryTheirKindAndIds() {
        ThreadKey t1 = ThreadKey.of("alice", "t1");
        var nf = CheckpointException.NotFound.checkpoint(t1, "c1");
        assertThat(nf).hasMessage("Checkpoint not found: c1 in thread t1 of owner alice");
        assertThat(nf.entity()).isEqualTo(CheckpointException.Entity.CHECKPOINT);
        assertThat(nf.thread()).isEqualTo(t1);
        assertThat(nf.checkpointId()).isEqualTo("c1");
        assertThat(nf.id()).isEqualTo("c1");
        var tnf = CheckpointException.NotFound.thread(ThreadKey.of("bob", "t2"));
        assertThat(tnf).hasMessage("Thread not found: thread t2 of owner bob");
        assertThat(tnf.entity()).isEqualTo(CheckpointException.Entity.THREAD);
        assertThat(tnf.thread()).isEqualTo(ThreadKey.of("bob", "t2"));
        assertThat(tnf.checkpointId()).isNull();
        assertThat(tnf.id()).isEqualTo("t2");
        assertThat(new CheckpointException.NotFound(CheckpointException.Entity.THREAD, t1, null)).hasMessage(
                "Thread not found: thread t1 of owner alice");
        assertThatThrownBy(() -> new CheckpointException.NotFound(CheckpointException.Entity.THREAD, t1, "c1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a checkpoint id is given exactly when a checkpoint is missing");
        assertThatThrownBy(() -> new CheckpointException.NotFound(CheckpointException.Entity.CHECKPOINT, t1, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckpointException.NotFound(null, t1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CheckpointException.NotFound.thread(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CheckpointException.NotFound.checkpoint(t1, null)).isInstanceOf(NullPointerException.class);

        var conflict = new CheckpointException.Conflict(t1, "c1");
        assertThat(conflict).hasMessage("Checkpoint already exists: c1 in thread t1 of owner alice");
        assertThat(conflict.thread()).isEqualTo(t1);
        assertThat(conflict.checkpointId()).isEqualTo("c1");
        assertThatThrownBy(() -> new CheckpointException.Conflict(null, "c1")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CheckpointException.Conflict(t1, null)).isInstanceOf(NullPointerException.class);

        RuntimeException cause = new RuntimeException("x");
        assertThat(new CheckpointException.Corrupt("bad json", cause)).hasMessage("bad json").hasCause(cause);
        assertThat(new CheckpointException.Backend("disk full", cause)).hasMessage("disk full").hasCause(cause);
        var invalid = new CheckpointException.Validation(CheckpointException.Reason.THREAD_MISMATCH, "t2 is not t1");
        assertThat(invalid).hasMessage("t2 is not t1");
        assertThat(invalid.reason()).isEqualTo(CheckpointException.Reason.THREAD_MISMATCH);
        assertThatThrownBy(() -> new CheckpointException.Validation(null, "x")).isInstanceOf(NullPointerException.class);
        assertThat(CheckpointException.Reason.values()).containsExactly(CheckpointException.Reason.INVALID_ID,
                CheckpointException.Reason.THREAD_MISMATCH, CheckpointException.Reason.INVALID_ARGUMENT);
        assertThat(CheckpointException.Entity.values()).containsExactly(CheckpointException.Entity.THREAD,
                CheckpointException.Entity.CHECKPOINT);
    }
}
