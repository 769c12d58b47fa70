package dev.salvo.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** CheckpointIds, ThreadKey, CheckpointSaveRules, ListOptions and ThreadListOptions: what every adapter accepts and rejects. */
class CheckpointRulesTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ID_RULE = " must be 1-128 characters from [A-Za-z0-9_.:-] and not '.' or '..'";
    private static final String OWNER_RULE = "owner must be 1-128 characters from [A-Za-z0-9_.-] and not '.' or '..'";
    private static final ThreadKey T1 = ThreadKey.of("alice", "t1");

    private static void assertInvalid(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(Validation.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
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
    void ownersAreOneTo128PathSafeCharactersWithoutAColon() {
        assertThat(CheckpointIds.OWNER_MAX_LENGTH).isEqualTo(128);
        for (String good : new String[] {"a", "alice", "A-z_0.9", "...", ".a", "UNOWNED", "o".repeat(128)}) {
            assertThat(CheckpointIds.isValidOwner(good)).as(good).isTrue();
        }
        for (String bad : new String[] {null, "", ".", "..", "o".repeat(129), "a:b", ":", "a/b", "a\\b", "a b", "a\u0000",
                "é", "a\n"}) {
            assertThat(CheckpointIds.isValidOwner(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(CheckpointIds.requireValidOwner("alice")).isEqualTo("alice");
        assertInvalid(() -> CheckpointIds.requireValidOwner("a:b"), Reason.INVALID_ID, OWNER_RULE);
        assertInvalid(() -> CheckpointIds.requireValidOwner(".."), Reason.INVALID_ID, OWNER_RULE);
    }

    @Test
    void threadKeysCheckBothPartsWhenBuilt() {
        ThreadKey key = ThreadKey.of("alice", "run:42");
        assertThat(key).isEqualTo(new ThreadKey("alice", "run:42"));
        assertThat(key.owner()).isEqualTo("alice");
        assertThat(key.threadId()).isEqualTo("run:42");
        assertThat(key.sibling("other")).isEqualTo(new ThreadKey("alice", "other"));
        assertThat(key).isNotEqualTo(ThreadKey.of("bob", "run:42"));
        assertInvalid(() -> ThreadKey.of("../x", "t"), Reason.INVALID_ID, OWNER_RULE);
        assertInvalid(() -> ThreadKey.of(null, "t"), Reason.INVALID_ID, OWNER_RULE);
        assertInvalid(() -> ThreadKey.of("alice", "a/b"), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertInvalid(() -> ThreadKey.of("alice", null), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertInvalid(() -> key.sibling(".."), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertThat(CheckpointIds.requireThread(key)).isSameAs(key);
        assertInvalid(() -> CheckpointIds.requireThread(null), Reason.INVALID_ARGUMENT, "the thread (owner and thread id) is required");
    }

    @Test
    void legacyThreadIdsSplitAtTheFirstColon() {
        assertThat(LegacyThreadIds.UNOWNED).isEqualTo("UNOWNED");
        assertThat(LegacyThreadIds.split("alice:run-42")).isEqualTo(ThreadKey.of("alice", "run-42"));
        assertThat(LegacyThreadIds.split("alice:a:b")).isEqualTo(ThreadKey.of("alice", "a:b"));
        assertThat(LegacyThreadIds.split("a.b:...")).isEqualTo(ThreadKey.of("a.b", "..."));
        assertThat(LegacyThreadIds.split("UNOWNED:x")).isEqualTo(ThreadKey.of("UNOWNED", "x"));
        // No owner named: the whole id, under UNOWNED.
        assertThat(LegacyThreadIds.split("plain")).isEqualTo(ThreadKey.of("UNOWNED", "plain"));
        assertThat(LegacyThreadIds.split(":x")).isEqualTo(ThreadKey.of("UNOWNED", ":x"));
        assertThat(LegacyThreadIds.split("x:")).isEqualTo(ThreadKey.of("UNOWNED", "x:"));
        assertThat(LegacyThreadIds.split("x:..")).isEqualTo(ThreadKey.of("UNOWNED", "x:.."));
        assertThat(LegacyThreadIds.split("..:x")).isEqualTo(ThreadKey.of("UNOWNED", "..:x"));
        assertThat(LegacyThreadIds.split(".:.")).isEqualTo(ThreadKey.of("UNOWNED", ".:."));
        assertThat(LegacyThreadIds.split("::")).isEqualTo(ThreadKey.of("UNOWNED", "::"));
        assertThat(LegacyThreadIds.split("a::")).isEqualTo(ThreadKey.of("a", ":"));
        assertInvalid(() -> LegacyThreadIds.split("a/b:c"), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertInvalid(() -> LegacyThreadIds.split(".."), Reason.INVALID_ID, "thread id" + ID_RULE);
    }

    @Test
    void threadListOptionsPageAscendingAfterTheCursor() {
        assertThat(ThreadListOptions.UNLIMITED).isEqualTo(Integer.MAX_VALUE);
        assertThat(ThreadListOptions.all()).isEqualTo(new ThreadListOptions(null, Integer.MAX_VALUE));
        assertThat(ThreadListOptions.first(2).after("b")).isEqualTo(new ThreadListOptions("b", 2));
        assertThat(ThreadListOptions.first(2).after("b").after()).contains("b");
        assertThat(ThreadListOptions.all().after()).isEmpty();
        assertThat(ThreadListOptions.first(1).admits("a")).isTrue();
        assertThat(ThreadListOptions.all().after("b").admits("b")).isFalse();
        assertThat(ThreadListOptions.all().after("b").admits("b.")).isTrue();
        assertThat(ThreadListOptions.all().after("b").admits("B")).isFalse();

        List<String> threads = List.of("c", "a", "B", "b", "d", "10", "9");
        assertThat(ThreadListOptions.all().page(threads, id -> true)).containsExactly("10", "9", "B", "a", "b", "c", "d");
        assertThat(ThreadListOptions.first(2).page(threads, id -> true)).containsExactly("10", "9");
        assertThat(ThreadListOptions.first(2).after("a").page(threads, id -> true)).containsExactly("b", "c");
        assertThat(ThreadListOptions.first(2).after("aa").page(threads, id -> true)).containsExactly("b", "c");
        assertThat(ThreadListOptions.first(5).after("d").page(threads, id -> true)).isEmpty();
        // Only existing threads count towards the limit, and existence is asked only while the page fills.
        List<String> asked = new java.util.ArrayList<>();
        assertThat(ThreadListOptions.first(2).after("9").page(threads, id -> {
            asked.add(id);
            return !id.equals("a");
        })).containsExactly("B", "b");
        assertThat(asked).containsExactly("B", "a", "b");
    }

    @Test
    void threadListOptionsRejectABadLimitOrCursor() {
        assertInvalid(() -> ThreadListOptions.first(0), Reason.INVALID_ARGUMENT, "limit must be at least 1, was 0");
        assertInvalid(() -> ThreadListOptions.all().after("a/b"), Reason.INVALID_ID, "thread id" + ID_RULE);
        assertThatCode(() -> CheckpointSaveRules.validateListThreads("alice", ThreadListOptions.all())).doesNotThrowAnyException();
        assertInvalid(() -> CheckpointSaveRules.validateListThreads("a:b", ThreadListOptions.all()), Reason.INVALID_ID, OWNER_RULE);
        assertInvalid(() -> CheckpointSaveRules.validateListThreads(null, ThreadListOptions.all()), Reason.INVALID_ID, OWNER_RULE);
        assertInvalid(() -> CheckpointSaveRules.validateListThreads("alice", null),
                Reason.INVALID_ARGUMENT, "thread list options are required");
        assertThatCode(() -> CheckpointSaveRules.validateList(T1, ListOptions.all())).doesNotThrowAnyException();
        assertInvalid(() -> CheckpointSaveRules.validateList(T1, null), Reason.INVALID_ARGUMENT, "list options are required");
        assertInvalid(() -> CheckpointSaveRules.validateList(null, ListOptions.all()),
                Reason.INVALID_ARGUMENT, "the thread (owner and thread id) is required");
    }

    @Test
    void aWellFormedSaveIsAccepted() {
        CheckpointMetadata m = new CheckpointMetadata("c2", "t1", T, "c1", 2, "label", List.of("a", "b"), 0,
                Map.of("k", "v"), 0);
        assertThatCode(() -> CheckpointSaveRules.validate(T1, m, new byte[0])).doesNotThrowAnyException();
        assertThatCode(() -> CheckpointSaveRules.validate(T1, meta("c1", "t1"), new byte[] {1}))
                .doesNotThrowAnyException();
    }

    @Test
    void saveRejectsBadIdsMissingPartsAndAForeignThread() {
        assertInvalid(() -> CheckpointSaveRules.validate(null, meta("c1", "t1"), new byte[0]),
                Reason.INVALID_ARGUMENT, "the thread (owner and thread id) is required");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, null, new byte[0]),
                Reason.INVALID_ARGUMENT, "metadata and state are required");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, meta("c1", "t1"), null),
                Reason.INVALID_ARGUMENT, "metadata and state are required");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, meta("..", "t1"), new byte[0]),
                Reason.INVALID_ID, "checkpoint id" + ID_RULE);
        assertInvalid(() -> CheckpointSaveRules.validate(T1, meta("c1", "t2"), new byte[0]),
                Reason.THREAD_MISMATCH, "metadata.threadId 't2' does not match thread 't1'");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, meta("c1", "t1").withParentId("p/1"), new byte[0]),
                Reason.INVALID_ID, "checkpoint id" + ID_RULE);
    }

    @Test
    void saveRejectsNulCharactersInLabelTagsAndCustomEntries() {
        CheckpointMetadata m = meta("c1", "t1");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, m.withLabel("a\u0000"), new byte[0]),
                Reason.INVALID_ARGUMENT, "label must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, m.withTags(List.of("ok", "\u0000")), new byte[0]),
                Reason.INVALID_ARGUMENT, "tag must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, m.withCustom(Map.of("k\u0000", "v")), new byte[0]),
                Reason.INVALID_ARGUMENT, "custom key must not contain the NUL character");
        assertInvalid(() -> CheckpointSaveRules.validate(T1, m.withCustom(Map.of("k", "v\u0000w")), new byte[0]),
                Reason.INVALID_ARGUMENT, "custom value must not contain the NUL character");
        // Other control characters are fine.
        assertThatCode(() -> CheckpointSaveRules.validate(T1,
                m.withLabel("\u0001").withTags(List.of("\n")).withCustom(Map.of("\t", "\u007f")), new byte[0]))
                .doesNotThrowAnyException();
    }

    @Test
    void pruneRejectsANegativeKeepCount() {
        assertThatCode(() -> CheckpointSaveRules.validatePrune(T1, 0)).doesNotThrowAnyException();
        assertThatCode(() -> CheckpointSaveRules.validatePrune(T1, 5)).doesNotThrowAnyException();
        assertInvalid(() -> CheckpointSaveRules.validatePrune(T1, -1),
                Reason.INVALID_ARGUMENT, "keepLatest must not be negative, was -1");
        assertInvalid(() -> CheckpointSaveRules.validatePrune(null, 1),
                Reason.INVALID_ARGUMENT, "the thread (owner and thread id) is required");
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
