package dev.salvo.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** CheckpointIds, CheckpointSaveRules and ListOptions: what every adapter accepts and rejects. */
class CheckpointRulesTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ID_RULE = " must be 1-128 characters from [A-Za-z0-9_.:-] and not '.' or '..'";

    private static void assertInvalid(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(InvalidState.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage("Invalid state: " + message);
    }

    private static CheckpointMetadata meta(String id, String threadId) {
        return CheckpointMetadata.of(id, threadId, T, 1);
    }

    @Test
    void idsAreOneTo128PathSafeCharacters() {
        assertThat(CheckpointIds.MAX_LENGTH).isEqualTo(128);
        for (String good : new String[] {"a", "A-z_0.9:x", "...", ".a", "a..b", "x".repeat(128),
                "019ca8d7-2d7b-7000-8000-000000000000"}) {
            assertThat(CheckpointIds.isValid(good)).as(good).isTrue();
        }
        for (String bad : new String[] {null, "", ".", "..", "x".repeat(129), "a/b", "a\\b", "a b", "a\u0000", "é",
                "a\n"}) {
            assertThat(CheckpointIds.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void requireNamesWhatWasWrong() {
        assertThat(CheckpointIds.requireValidThreadId("t-1")).isEqualTo("t-1");
        assertThat(CheckpointIds.requireValidCheckpointId("c-1")).isEqualTo("c-1");
        assertInvalid(() -> CheckpointIds.requireValidThreadId(".."), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertInvalid(() -> CheckpointIds.requireValidCheckpointId(""), Reason.INVALID_ID, "checkpoint id" + ID_RULE);
    }

    @Test
    void aWellFormedSaveIsAccepted() {
        CheckpointMetadata m = new CheckpointMetadata("c2", "t1", T, "c1", 2, "label", List.of("a", "b"), 0,
                Map.of("k", "v"), 0);
        assertThatCode(() -> CheckpointSaveRules.validate("t1", m, new byte[0])).doesNotThrowAnyException();
        assertThatCode(() -> CheckpointSaveRules.validate("t1", meta("c1", "t1"), new byte[] {1}))
                .doesNotThrowAnyException();
    }

    @Test
    void saveRejectsBadIdsMissingPartsAndAForeignThread() {
        assertInvalid(() -> CheckpointSaveRules.validate("a/b", meta("c1", "a/b"), new byte[0]),
                Reason.INVALID_ID, "thread id" + ID_RULE);
        assertInvalid(() -> CheckpointSaveRules.validate("t1", null, new byte[0]),
                Reason.INVALID_ARGUMENT, "metadata and state are required");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", meta("c1", "t1"), null),
                Reason.INVALID_ARGUMENT, "metadata and state are required");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", meta("..", "t1"), new byte[0]),
                Reason.INVALID_ID, "checkpoint id" + ID_RULE);
        assertInvalid(() -> CheckpointSaveRules.validate("t1", meta("c1", "t2"), new byte[0]),
                Reason.THREAD_MISMATCH, "metadata.threadId 't2' does not match thread 't1'");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", meta("c1", "t1").withParentId("p/1"), new byte[0]),
                Reason.INVALID_ID, "checkpoint id" + ID_RULE);
    }

    @Test
    void saveRejectsNulCharactersInLabelTagsAndCustomEntries() {
        CheckpointMetadata m = meta("c1", "t1");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", m.withLabel("a\u0000"), new byte[0]),
                Reason.INVALID_ARGUMENT, "label must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", m.withTags(List.of("ok", "\u0000")), new byte[0]),
                Reason.INVALID_ARGUMENT, "tag must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", m.withCustom(Map.of("k\u0000", "v")), new byte[0]),
                Reason.INVALID_ARGUMENT, "custom key must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate("t1", m.withCustom(Map.of("k", "v\u0000w")), new byte[0]),
                Reason.INVALID_ARGUMENT, "custom value must not contain the NUL character");
        // Other control characters are fine.
        assertThatCode(() -> CheckpointSaveRules.validate("t1",
                m.withLabel("\u0001").withTags(List.of("\n")).withCustom(Map.of("\t", "\u007f")), new byte[0]))
                .doesNotThrowAnyException();
    }

    @Test
    void pruneRejectsANegativeKeepCount() {
        assertThatCode(() -> CheckpointSaveRules.validatePrune("t1", 0)).doesNotThrowAnyException();
        assertThatCode(() -> CheckpointSaveRules.validatePrune("t1", 5)).doesNotThrowAnyException();
        assertInvalid(() -> CheckpointSaveRules.validatePrune("t1", -1),
                Reason.INVALID_ARGUMENT, "keepLatest must not be negative, was -1");
        assertInvalid(() -> CheckpointSaveRules.validatePrune("", 1), Reason.INVALID_ID, "thread id" + ID_RULE);
    }

    @Test
    void listOptionsFactoriesAndCursors() {
        assertThat(ListOptions.UNLIMITED).isEqualTo(Integer.MAX_VALUE);
        assertThat(ListOptions.all()).isEqualTo(new ListOptions(null, null, Integer.MAX_VALUE, ListOptions.Order.ASCENDING));
        assertThat(ListOptions.newest(3)).isEqualTo(new ListOptions(null, null, 3, ListOptions.Order.DESCENDING));
        assertThat(ListOptions.oldest(4)).isEqualTo(new ListOptions(null, null, 4, ListOptions.Order.ASCENDING));
        ListOptions paged = ListOptions.newest(2).before("c9").after("c1");
        assertThat(paged).isEqualTo(new ListOptions("c9", "c1", 2, ListOptions.Order.DESCENDING));
        assertThat(paged.before()).contains("c9");
        assertThat(paged.after()).contains("c1");
        assertThat(ListOptions.all().before()).isEmpty();
        assertThat(ListOptions.all().after()).isEmpty();
        assertThat(ListOptions.oldest(1).before("b").after(null)).isEqualTo(new ListOptions("b", null, 1, ListOptions.Order.ASCENDING));
        assertThat(ListOptions.newest(1).after("a").before(null)).isEqualTo(new ListOptions(null, "a", 1, ListOptions.Order.DESCENDING));
        assertThat(ListOptions.newest(1).descending()).isTrue();
        assertThat(ListOptions.oldest(1).descending()).isFalse();
    }

    @Test
    void listOptionsRejectABadLimitOrCursor() {
        assertThat(ListOptions.newest(1).limit()).isEqualTo(1);
        assertInvalid(() -> ListOptions.newest(0), Reason.INVALID_ARGUMENT, "limit must be at least 1, was 0");
        assertInvalid(() -> ListOptions.oldest(-5), Reason.INVALID_ARGUMENT, "limit must be at least 1, was -5");
        assertInvalid(() -> ListOptions.all().before("a/b"), Reason.INVALID_ID, "checkpoint id" + ID_RULE);
        assertInvalid(() -> ListOptions.all().after(".."), Reason.INVALID_ID, "checkpoint id" + ID_RULE);
        assertThatThrownBy(() -> new ListOptions(null, null, 1, null)).isInstanceOf(NullPointerException.class);
    }
}
