package dev.salvo.conformance.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.conformance.StoreContract;
import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException.Conflict;
import dev.salvo.core.checkpoint.CheckpointException.Entity;
import dev.salvo.core.checkpoint.CheckpointException.NotFound;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import dev.salvo.core.checkpoint.CheckpointManager;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.SaveOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CheckpointStore} adapter must pass. Subclass it once: return a fresh, empty store
 * from {@link #newStore} (checkpoint stores keep no time of their own, so the clock may be ignored), declare
 * {@link #capabilities()}, and implement {@link #reopen} for {@link Capability#DURABLE} and
 * {@link #openAnother} for {@link Capability#MULTI_PROCESS}. Each test names its rule with {@link Rule}; the
 * statements are in {@code dev/salvo/conformance/checkpoint/rules.tsv}.
 */
public abstract class CheckpointStoreContract extends StoreContract<CheckpointStore> {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    /** The owner of every thread in a rule that is not about owners. */
    protected static final String OWNER = "alice";

    // ---------------------------------------------------------------- helpers

    /** The thread {@code threadId} of {@link #OWNER}. */
    protected static ThreadKey key(String threadId) {
        return ThreadKey.of(OWNER, threadId);
    }

    protected static CheckpointMetadata meta(String threadId, String id) {
        return CheckpointMetadata.of(id, threadId, T0, 0);
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private String save(String threadId, String id) {
        return save(key(threadId), id);
    }

    private String save(ThreadKey thread, String id) {
        return store().save(thread, meta(thread.threadId(), id), bytes("state of " + id));
    }

    private List<String> ids(List<CheckpointMetadata> metadata) {
        return metadata.stream().map(CheckpointMetadata::id).toList();
    }

    private void saveNumbered(String threadId, int count) {
        for (int i = 1; i <= count; i++) {
            save(threadId, "c" + i);
        }
    }

    /** The Validation {@code call} throws, asserted to have {@code reason}. */
    private static Validation invalid(ThrowingCallable call, Reason reason) {
        Validation e = catchThrowableOfType(Validation.class, call);
        assertThat(e).as("a Validation with reason %s", reason).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        return e;
    }

    /** The NotFound {@code call} throws, asserted to be about the whole thread {@code thread}. */
    private static NotFound threadNotFound(ThreadKey thread, ThrowingCallable call) {
        NotFound e = catchThrowableOfType(NotFound.class, call);
        assertThat(e).as("a NotFound of thread %s", thread).isNotNull();
        assertThat(e.entity()).isEqualTo(Entity.THREAD);
        assertThat(e.thread()).isEqualTo(thread);
        assertThat(e.checkpointId()).isNull();
        return e;
    }

    /** The NotFound {@code call} throws, asserted to be about checkpoint {@code checkpointId} of {@code thread}. */
    private static NotFound checkpointNotFound(ThreadKey thread, String checkpointId, ThrowingCallable call) {
        NotFound e = catchThrowableOfType(NotFound.class, call);
        assertThat(e).as("a NotFound of checkpoint %s in %s", checkpointId, thread).isNotNull();
        assertThat(e.entity()).isEqualTo(Entity.CHECKPOINT);
        assertThat(e.thread()).isEqualTo(thread);
        assertThat(e.checkpointId()).isEqualTo(checkpointId);
        return e;
    }

    /** The Conflict {@code call} throws, asserted to name {@code checkpointId} in {@code thread}. */
    private static Conflict conflict(ThreadKey thread, String checkpointId, ThrowingCallable call) {
        Conflict e = catchThrowableOfType(Conflict.class, call);
        assertThat(e).as("a Conflict on %s in %s", checkpointId, thread).isNotNull();
        assertThat(e.thread()).isEqualTo(thread);
        assertThat(e.checkpointId()).isEqualTo(checkpointId);
        return e;
    }

    private CheckpointManager manager(int maxPerThread) {
        return new CheckpointManager(store(), Clock.fixed(T0, ZoneOffset.UTC), maxPerThread);
    }

    // ---------------------------------------------------------------- 1. round trip

    @Test
    @Rule("CK-1.1")
    void roundTripsEveryField() {
        CheckpointMetadata m = new CheckpointMetadata("cp-1", "thread-1", T0, "parent-0", 7, "after tool call",
                List.of("b-tag", "a-tag", "b-tag"), 0, Map.of("k1", "v1", "model", "gpt-x"), 0);
        String id = store().save(key("thread-1"), m, bytes("hello"));

        assertThat(id).isEqualTo("cp-1");
        Checkpoint loaded = store().load(key("thread-1"), "cp-1");
        CheckpointMetadata got = loaded.metadata();
        assertThat(got.id()).isEqualTo("cp-1");
        assertThat(got.threadId()).isEqualTo("thread-1");
        assertThat(got.createdAt()).isEqualTo(T0);
        assertThat(got.parentId()).isEqualTo("parent-0");
        assertThat(got.step()).isEqualTo(7);
        assertThat(got.label()).isEqualTo("after tool call");
        assertThat(got.tags()).containsExactly("b-tag", "a-tag", "b-tag");
        assertThat(got.custom()).isEqualTo(Map.of("k1", "v1", "model", "gpt-x"));
        assertThat(got.stateSize()).isEqualTo(5);
        assertThat(got.sequence()).isEqualTo(1);
        assertThat(got).isEqualTo(m.asStored(1, 5));
        assertThat(store().list(key("thread-1"))).containsExactly(got);
        assertThat(store().loadLatest(key("thread-1")).metadata()).isEqualTo(got);
    }

    @Test
    @Rule("CK-1.2")
    void binaryStateRoundTrips() {
        byte[] state = new byte[256 * 4];
        for (int i = 0; i < state.length; i++) {
            state[i] = (byte) i;
        }
        store().save(key("t"), meta("t", "bin"), state);
        assertThat(store().load(key("t"), "bin").state()).isEqualTo(state);
        assertThat(store().loadLatest(key("t")).state()).isEqualTo(state);
    }

    @Test
    @Rule("CK-1.3")
    void emptyStateRoundTrips() {
        store().save(key("t"), meta("t", "empty"), new byte[0]);
        Checkpoint loaded = store().load(key("t"), "empty");
        assertThat(loaded.state()).isEmpty();
        assertThat(loaded.metadata().stateSize()).isZero();
    }

    @Test
    @Rule("CK-1.4")
    void largeStateRoundTrips() {
        byte[] state = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(state);
        store().save(key("big"), meta("big", "ten-mb"), state);
        Checkpoint loaded = store().load(key("big"), "ten-mb");
        assertThat(loaded.metadata().stateSize()).isEqualTo(state.length);
        assertThat(loaded.state()).isEqualTo(state);
    }

    @Test
    @Rule("CK-1.5")
    void stateSizeIsAssignedByStore() {
        CheckpointMetadata lying = new CheckpointMetadata("x", "t", T0, null, 1, null, List.of(), 999_999, Map.of(), 0);
        store().save(key("t"), lying, bytes("abc"));
        assertThat(store().load(key("t"), "x").metadata().stateSize()).isEqualTo(3);
        assertThat(store().list(key("t")).getFirst().stateSize()).isEqualTo(3);
    }

    @Test
    @Rule("CK-1.6")
    void absentFieldsStayAbsent() {
        store().save(key("t"), meta("t", "bare"), bytes("x"));
        CheckpointMetadata got = store().load(key("t"), "bare").metadata();
        assertThat(got.parentId()).isNull();
        assertThat(got.label()).isNull();
        assertThat(got.tags()).isEmpty();
        assertThat(got.custom()).isEmpty();
    }

    @Test
    @Rule("CK-1.7")
    void unicodeTextRoundTrips() {
        CheckpointMetadata m = meta("t", "u").withLabel("étape ✓ 日本語 🚀").withTags(List.of("ünï", "\"quoted\" 'tag'"))
                .withCustom(Map.of("ключ", "значение", "json", "{\"a\":[1,2]}\n\ttab"));
        store().save(key("t"), m, bytes("x"));
        CheckpointMetadata got = store().load(key("t"), "u").metadata();
        assertThat(got.label()).isEqualTo("étape ✓ 日本語 🚀");
        assertThat(got.tags()).containsExactly("ünï", "\"quoted\" 'tag'");
        assertThat(got.custom()).isEqualTo(m.custom());
    }

    @Test
    @Rule("CK-1.8")
    void storeCopiesState() {
        byte[] state = bytes("original");
        store().save(key("t"), meta("t", "c"), state);
        state[0] = 'X';
        byte[] loaded = store().load(key("t"), "c").state();
        assertThat(loaded).isEqualTo(bytes("original"));
        loaded[1] = 'Y';
        assertThat(store().load(key("t"), "c").state()).isEqualTo(bytes("original"));
    }

    // ---------------------------------------------------------------- 2. ordering

    @Test
    @Rule("CK-2.1")
    void sequencesIncrease() {
        saveNumbered("t", 3);
        assertThat(store().list(key("t"))).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L);
        store().delete(key("t"), "c1");
        save("t", "c4");
        assertThat(store().list(key("t"))).extracting(CheckpointMetadata::sequence).containsExactly(2L, 3L, 4L);
    }

    @Test
    @Rule("CK-2.2")
    void orderIsBySequenceNotTime() {
        store().save(key("t"), CheckpointMetadata.of("late", "t", T0.plusSeconds(60), 1), bytes("1"));
        store().save(key("t"), CheckpointMetadata.of("same-a", "t", T0, 2), bytes("2"));
        store().save(key("t"), CheckpointMetadata.of("same-b", "t", T0, 3), bytes("3"));
        store().save(key("t"), CheckpointMetadata.of("early", "t", T0.minusSeconds(3600), 4), bytes("4"));
        assertThat(ids(store().list(key("t")))).containsExactly("late", "same-a", "same-b", "early");
    }

    @Test
    @Rule("CK-2.3")
    void latestIsHighestSequence() {
        store().save(key("t"), CheckpointMetadata.of("newest-time", "t", T0.plusSeconds(999), 50), bytes("a"));
        store().save(key("t"), CheckpointMetadata.of("highest-step", "t", T0, 99), bytes("b"));
        store().save(key("t"), CheckpointMetadata.of("last-saved", "t", T0.minusSeconds(999), 1), bytes("c"));
        Checkpoint latest = store().loadLatest(key("t"));
        assertThat(latest.id()).isEqualTo("last-saved");
        assertThat(latest.state()).isEqualTo(bytes("c"));
    }

    @Test
    @Rule("CK-2.4")
    void latestAfterDelete() {
        saveNumbered("t", 3);
        store().delete(key("t"), "c3");
        assertThat(store().loadLatest(key("t")).id()).isEqualTo("c2");
    }

    @Test
    @Rule("CK-2.5")
    void parentIsKeptAsGiven() {
        save("t", "root");
        store().save(key("t"), meta("t", "left").withParentId("root"), bytes("l"));
        store().save(key("t"), meta("t", "right").withParentId("root"), bytes("r"));
        store().save(key("t"), meta("t", "dangling").withParentId("not-in-this-thread"), bytes("d"));
        assertThat(store().list(key("t"))).extracting(CheckpointMetadata::parentId)
                .containsExactly(null, "root", "root", "not-in-this-thread");
    }

    // ---------------------------------------------------------------- 3. missing data

    @Test
    @Rule("CK-3.1")
    void loadUnknownThread() {
        NotFound e = threadNotFound(key("nobody"), () -> store().load(key("nobody"), "c1"));
        assertThat(e.id()).isEqualTo("nobody");
    }

    @Test
    @Rule("CK-3.2")
    void loadUnknownCheckpoint() {
        save("t", "c1");
        NotFound e = checkpointNotFound(key("t"), "c2", () -> store().load(key("t"), "c2"));
        assertThat(e.id()).isEqualTo("c2");
    }

    @Test
    @Rule("CK-3.3")
    void latestUnknownThread() {
        threadNotFound(key("nobody"), () -> store().loadLatest(key("nobody")));
    }

    @Test
    @Rule("CK-3.4")
    void listAndCountUnknownThread() {
        assertThat(store().list(key("nobody"))).isEmpty();
        assertThat(store().list(key("nobody"), ListOptions.newest(5))).isEmpty();
        assertThat(store().count(key("nobody"))).isZero();
        assertThat(store().listThreads(OWNER)).isEmpty();
    }

    @Test
    @Rule("CK-3.5")
    void emptiedThreadDoesNotExist() {
        saveNumbered("t", 2);
        store().delete(key("t"), "c1");
        store().delete(key("t"), "c2");
        threadNotFound(key("t"), () -> store().load(key("t"), "c1"));
        threadNotFound(key("t"), () -> store().loadLatest(key("t")));
        assertThat(store().listThreads(OWNER)).doesNotContain("t");
        assertThat(store().count(key("t"))).isZero();
        save("t", "again");
        assertThat(store().list(key("t"))).extracting(CheckpointMetadata::sequence).containsExactly(1L);
    }

    // ---------------------------------------------------------------- 4. deletes

    @Test
    @Rule("CK-4.1")
    void deleteOne() {
        saveNumbered("t", 3);
        store().delete(key("t"), "c2");
        assertThat(ids(store().list(key("t")))).containsExactly("c1", "c3");
        assertThat(store().count(key("t"))).isEqualTo(2);
        checkpointNotFound(key("t"), "c2", () -> store().load(key("t"), "c2"));
        assertThat(store().load(key("t"), "c3").state()).isEqualTo(bytes("state of c3"));
    }

    @Test
    @Rule("CK-4.2")
    void deleteIsIdempotent() {
        saveNumbered("t", 1);
        store().delete(key("t"), "missing");
        store().delete(key("nobody"), "c1");
        store().delete(key("t"), "c1");
        store().delete(key("t"), "c1");
        assertThat(store().count(key("t"))).isZero();
    }

    @Test
    @Rule("CK-4.3")
    void deleteThread() {
        saveNumbered("a", 3);
        saveNumbered("b", 2);
        store().deleteThread(key("a"));
        store().deleteThread(key("a"));
        store().deleteThread(key("never-existed"));
        assertThat(store().count(key("a"))).isZero();
        assertThat(store().list(key("a"))).isEmpty();
        threadNotFound(key("a"), () -> store().loadLatest(key("a")));
        assertThat(ids(store().list(key("b")))).containsExactly("c1", "c2");
    }

    @Test
    @Rule("CK-4.4")
    void listThreadsMembership() {
        for (String thread : List.of("zeta", "Alpha", "alpha", "b.2", "b-1", "b_3", "b:0", "10", "9")) {
            save(thread, "c");
        }
        assertThat(store().listThreads(OWNER)).containsExactly("10", "9", "Alpha", "alpha", "b-1", "b.2", "b:0", "b_3", "zeta");
        store().delete(key("zeta"), "c");
        store().deleteThread(key("alpha"));
        assertThat(store().listThreads(OWNER)).containsExactly("10", "9", "Alpha", "b-1", "b.2", "b:0", "b_3");
    }

    // ---------------------------------------------------------------- 5. validation

    @Test
    @Rule("CK-5.1")
    void threadMismatch() {
        invalid(() -> store().save(key("t"), meta("other", "c1"), bytes("x")), Reason.THREAD_MISMATCH);
        assertThat(store().count(key("t"))).isZero();
        assertThat(store().count(key("other"))).isZero();
        assertThat(store().listThreads(OWNER)).isEmpty();
    }

    @Test
    @Rule("CK-5.2")
    void duplicateId() {
        store().save(key("t"), meta("t", "c1").withLabel("first"), bytes("first"));
        conflict(key("t"), "c1", () -> store().save(key("t"), meta("t", "c1").withLabel("second"), bytes("second")));
        Checkpoint kept = store().load(key("t"), "c1");
        assertThat(kept.metadata().label()).isEqualTo("first");
        assertThat(kept.state()).isEqualTo(bytes("first"));
        assertThat(store().count(key("t"))).isEqualTo(1);
        save("t", "c2");
        assertThat(store().list(key("t"))).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L);
    }

    @Test
    @Rule("CK-5.3")
    void sameIdInTwoThreads() {
        store().save(key("a"), meta("a", "shared"), bytes("in a"));
        store().save(key("b"), meta("b", "shared"), bytes("in b"));
        assertThat(store().load(key("a"), "shared").state()).isEqualTo(bytes("in a"));
        assertThat(store().load(key("b"), "shared").state()).isEqualTo(bytes("in b"));
        store().delete(key("a"), "shared");
        assertThat(store().load(key("b"), "shared").state()).isEqualTo(bytes("in b"));
    }

    @Test
    @Rule("CK-5.4")
    void unsafeIdsAreRejected() {
        save("good", "c1");
        List<String> bad = List.of("..", ".", "", "a/b", "a\\b", "../etc", "x\0y", "spa ce", "é", "a".repeat(129));
        for (String id : bad) {
            List<ThrowingCallable> calls = List.of(
                    () -> store().save(key(id), meta(id, "c1"), bytes("x")),
                    () -> store().save(key("good"), meta("good", id), bytes("x")),
                    () -> store().save(key("good"), meta("good", "c9").withParentId(id), bytes("x")),
                    () -> store().load(key(id), "c1"),
                    () -> store().load(key("good"), id),
                    () -> store().loadLatest(key(id)),
                    () -> store().list(key(id)),
                    () -> store().delete(key(id), "c1"),
                    () -> store().delete(key("good"), id),
                    () -> store().deleteThread(key(id)),
                    () -> store().count(key(id)),
                    () -> store().prune(key(id), 1),
                    () -> store().list(key("good"), ListOptions.newest(5).before(id)),
                    () -> store().list(key("good"), ListOptions.oldest(5).after(id)),
                    () -> store().listThreads(OWNER, ThreadListOptions.first(5).after(id)));
            for (ThrowingCallable call : calls) {
                invalid(call, Reason.INVALID_ID);
            }
        }
        assertThat("a".repeat(128)).satisfies(longest -> {
            save(longest, longest);
            assertThat(store().load(key(longest), longest).id()).isEqualTo(longest);
        });
        assertThat(store().listThreads(OWNER)).containsExactly("a".repeat(128), "good");
        assertThat(ids(store().list(key("good")))).containsExactly("c1");
    }

    @Test
    @Rule("CK-5.5")
    void nulInTextIsRejected() {
        List<CheckpointMetadata> bad = List.of(
                meta("t", "a").withLabel("bad\0label"),
                meta("t", "b").withTags(List.of("ok", "bad\0")),
                meta("t", "c").withCustom(Map.of("k", "v\0")),
                meta("t", "d").withCustom(Map.of("k\0", "v")));
        for (CheckpointMetadata m : bad) {
            invalid(() -> store().save(key("t"), m, bytes("x")), Reason.INVALID_ARGUMENT);
        }
        assertThat(store().count(key("t"))).isZero();
    }

    // ---------------------------------------------------------------- 6. concurrency

    @Test
    @Rule("CK-6.1")
    void concurrentSavesToOneThread() {
        int threads = 16;
        int perThread = 50;
        Concurrently.run(threads, worker -> {
            for (int i = 0; i < perThread; i++) {
                String id = "w" + worker + "-" + i;
                store().save(key("hot"), meta("hot", id), bytes(id));
            }
        });
        List<CheckpointMetadata> all = store().list(key("hot"));
        assertThat(store().count(key("hot"))).isEqualTo(threads * perThread);
        assertThat(all).hasSize(threads * perThread);
        assertThat(all).extracting(CheckpointMetadata::sequence).doesNotHaveDuplicates().isSorted();
        assertThat(new HashSet<>(ids(all))).hasSize(threads * perThread);
        // each worker's own saves keep their order
        for (int w = 0; w < threads; w++) {
            String prefix = "w" + w + "-";
            List<String> mine = ids(all).stream().filter(id -> id.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(prefix + i);
            }
            assertThat(mine).containsExactlyElementsOf(expected);
        }
        CheckpointMetadata last = all.getLast();
        assertThat(store().loadLatest(key("hot")).metadata()).isEqualTo(last);
        assertThat(store().load(key("hot"), "w3-7").state()).isEqualTo(bytes("w3-7"));
    }

    @Test
    @Rule("CK-6.2")
    void concurrentSavesToManyThreads() {
        int threads = 8;
        Concurrently.run(threads, worker -> {
            String thread = "thread-" + worker;
            for (int i = 1; i <= 40; i++) {
                store().save(key(thread), meta(thread, "c" + i), bytes(thread + i));
            }
        });
        assertThat(store().listThreads(OWNER)).hasSize(threads);
        for (int w = 0; w < threads; w++) {
            List<CheckpointMetadata> list = store().list(key("thread-" + w));
            assertThat(list).extracting(CheckpointMetadata::sequence)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        }
    }

    @Test
    @Rule("CK-6.3")
    void concurrentDuplicateSaves() {
        int threads = 8;
        AtomicInteger wins = new AtomicInteger();
        ConcurrentLinkedQueue<ThreadKey> losses = new ConcurrentLinkedQueue<>();
        Concurrently.run(threads, worker -> {
            try {
                store().save(key("t"), meta("t", "contested").withLabel("w" + worker), bytes("w" + worker));
                wins.incrementAndGet();
            } catch (Conflict e) {
                assertThat(e.checkpointId()).isEqualTo("contested");
                losses.add(e.thread());
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(losses).hasSize(7).containsOnly(ThreadKey.of("alice", "t"));
        Checkpoint winner = store().load(key("t"), "contested");
        assertThat(winner.state()).isEqualTo(bytes(winner.metadata().label()));
        assertThat(store().count(key("t"))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- 7. prune

    @Test
    @Rule("CK-7.1")
    void pruneKeepsNewest() {
        saveNumbered("t", 10);
        saveNumbered("other", 3);
        assertThat(store().prune(key("t"), 4)).isEqualTo(6);
        assertThat(ids(store().list(key("t")))).containsExactly("c7", "c8", "c9", "c10");
        assertThat(store().count(key("other"))).isEqualTo(3);
        assertThat(store().loadLatest(key("t")).id()).isEqualTo("c10");
    }

    @Test
    @Rule("CK-7.2")
    void pruneNothing() {
        saveNumbered("t", 3);
        assertThat(store().prune(key("t"), 3)).isZero();
        assertThat(store().prune(key("t"), 100)).isZero();
        assertThat(store().prune(key("nobody"), 1)).isZero();
        assertThat(store().count(key("t"))).isEqualTo(3);
        assertThat(store().listThreads(OWNER)).containsExactly("t");
    }

    @Test
    @Rule("CK-7.3")
    void pruneToZero() {
        saveNumbered("t", 3);
        invalid(() -> store().prune(key("t"), -1), Reason.INVALID_ARGUMENT);
        assertThat(store().count(key("t"))).isEqualTo(3);
        assertThat(store().prune(key("t"), 0)).isEqualTo(3);
        assertThat(store().listThreads(OWNER)).isEmpty();
        threadNotFound(key("t"), () -> store().loadLatest(key("t")));
    }

    // ---------------------------------------------------------------- 8. paging

    @Test
    @Rule("CK-8.1")
    void limitAndOrder() {
        saveNumbered("t", 5);
        assertThat(ids(store().list(key("t"), ListOptions.oldest(2)))).containsExactly("c1", "c2");
        assertThat(ids(store().list(key("t"), ListOptions.newest(2)))).containsExactly("c5", "c4");
        assertThat(ids(store().list(key("t"), ListOptions.newest(50)))).containsExactly("c5", "c4", "c3", "c2", "c1");
        assertThat(ids(store().list(key("t"), ListOptions.oldest(2).before("c4").after("c1")))).containsExactly("c2", "c3");
    }

    @Test
    @Rule("CK-8.2")
    void pageBackwards() {
        saveNumbered("t", 23);
        List<String> seen = new ArrayList<>();
        ListOptions page = ListOptions.newest(5);
        int pages = 0;
        while (true) {
            List<CheckpointMetadata> batch = store().list(key("t"), page);
            pages++;
            if (batch.isEmpty()) {
                break;
            }
            assertThat(batch.size()).isLessThanOrEqualTo(5);
            seen.addAll(ids(batch));
            page = page.before(batch.getLast().id());
        }
        assertThat(pages).isEqualTo(6);
        List<String> expected = new ArrayList<>();
        for (int i = 23; i >= 1; i--) {
            expected.add("c" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    @Rule("CK-8.3")
    void pageForwards() {
        saveNumbered("t", 12);
        store().delete(key("t"), "c6");
        List<String> seen = new ArrayList<>();
        ListOptions page = ListOptions.oldest(4);
        for (List<CheckpointMetadata> batch = store().list(key("t"), page); !batch.isEmpty(); batch = store().list(key("t"), page)) {
            seen.addAll(ids(batch));
            page = page.after(batch.getLast().id());
        }
        assertThat(seen).containsExactly("c1", "c2", "c3", "c4", "c5", "c7", "c8", "c9", "c10", "c11", "c12");
    }

    @Test
    @Rule("CK-8.4")
    void unknownCursor() {
        saveNumbered("t", 2);
        checkpointNotFound(key("t"), "zz", () -> store().list(key("t"), ListOptions.newest(5).before("zz")));
        checkpointNotFound(key("t"), "zz", () -> store().list(key("t"), ListOptions.oldest(5).after("zz")));
        assertThat(store().list(key("nobody"), ListOptions.newest(5).before("zz"))).isEmpty();
    }

    @Test
    @Rule("CK-8.5")
    void limitBelowOne() {
        invalid(() -> store().list(key("t"), new ListOptions(null, null, 0, ListOptions.Order.ASCENDING)), Reason.INVALID_ARGUMENT);
    }

    // ---------------------------------------------------------------- 9. durability

    @Test
    @Rule("CK-9.1")
    @Requires(Capability.DURABLE)
    void survivesReopen() {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        store().save(key("a"), meta("a", "c1").withLabel("l").withTags(List.of("t1")).withCustom(Map.of("k", "v")), big);
        saveNumbered("b", 3);
        store().delete(key("b"), "c2");
        store().save(ThreadKey.of("bob", "a"), meta("a", "c1"), bytes("bob's a"));
        List<CheckpointMetadata> before = store().list(key("a"));

        reopenStore();

        assertThat(store().listThreads(OWNER)).containsExactly("a", "b");
        assertThat(store().listThreads("bob")).containsExactly("a");
        assertThat(store().load(ThreadKey.of("bob", "a"), "c1").state()).isEqualTo(bytes("bob's a"));
        assertThat(store().list(key("a"))).isEqualTo(before);
        assertThat(store().load(key("a"), "c1").state()).isEqualTo(big);
        assertThat(ids(store().list(key("b")))).containsExactly("c1", "c3");
        save("b", "c4");
        assertThat(store().list(key("b"))).extracting(CheckpointMetadata::sequence).containsExactly(1L, 3L, 4L);
        conflict(key("b"), "c1", () -> store().save(key("b"), meta("b", "c1"), bytes("x")));
    }

    // ---------------------------------------------------------------- 10. CheckpointManager over this store

    @Test
    @Rule("CK-10.1")
    void managerDerivesLineage() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata first = manager.save(key("run"), bytes("s1"));
        CheckpointMetadata second = manager.save(key("run"), bytes("s2"));
        assertThat(first.step()).isEqualTo(1);
        assertThat(first.parentId()).isNull();
        assertThat(second.step()).isEqualTo(2);
        assertThat(second.parentId()).isEqualTo(first.id());
        assertThat(store().load(key("run"), second.id()).metadata().parentId()).isEqualTo(first.id());
        assertThat(manager.loadLatest(key("run")).state()).isEqualTo(bytes("s2"));
        assertThat(first.id()).isNotEqualTo(second.id());
    }

    @Test
    @Rule("CK-10.2")
    void managerContinuesAcrossInstances() {
        CheckpointMetadata one = manager(0).save(key("run"), bytes("1"));
        CheckpointMetadata two = manager(0).save(key("run"), bytes("2"));
        assertThat(two.step()).isEqualTo(2);
        assertThat(two.parentId()).isEqualTo(one.id());
        if (has(Capability.DURABLE)) {
            reopenStore();
            CheckpointMetadata three = manager(0).save(key("run"), bytes("3"));
            assertThat(three.step()).isEqualTo(3);
            assertThat(three.parentId()).isEqualTo(two.id());
        }
    }

    @Test
    @Rule("CK-10.3")
    void managerForks() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata source = manager.save(key("src"), bytes("state-A"),
                SaveOptions.labelled("plan").withTags("keep").withCustom(Map.of("k", "v")));
        manager.save(key("src"), bytes("state-B"));
        CheckpointMetadata existing = manager.save(key("dst"), bytes("dst-1"));

        CheckpointMetadata forked = manager.fork(key("src"), source.id(), "dst");

        Checkpoint stored = store().load(key("dst"), forked.id());
        assertThat(stored.state()).isEqualTo(bytes("state-A"));
        assertThat(stored.metadata().label()).isEqualTo("plan");
        assertThat(stored.metadata().tags()).containsExactly("keep");
        assertThat(stored.metadata().custom()).containsEntry("k", "v")
                .containsEntry(CheckpointManager.FORKED_FROM_THREAD, "src")
                .containsEntry(CheckpointManager.FORKED_FROM_CHECKPOINT, source.id());
        assertThat(stored.metadata().parentId()).isEqualTo(existing.id());
        assertThat(stored.metadata().step()).isEqualTo(2);
        assertThat(store().count(key("src"))).isEqualTo(2);
        checkpointNotFound(key("src"), "missing", () -> manager.fork(key("src"), "missing", "dst"));
    }

    @Test
    @Rule("CK-10.4")
    void managerRewinds() {
        CheckpointManager manager = manager(0);
        List<String> saved = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            saved.add(manager.save(key("run"), bytes("s" + i)).id());
        }
        checkpointNotFound(key("run"), "missing", () -> manager.rewind(key("run"), "missing"));
        threadNotFound(key("nobody"), () -> manager.rewind(key("nobody"), saved.get(0)));
        assertThat(store().count(key("run"))).isEqualTo(5);

        assertThat(manager.rewind(key("run"), saved.get(2))).isEqualTo(2);
        assertThat(ids(manager.history(key("run")))).containsExactlyElementsOf(saved.subList(0, 3));
        CheckpointMetadata next = manager.save(key("run"), bytes("after rewind"));
        assertThat(next.parentId()).isEqualTo(saved.get(2));
        assertThat(next.step()).isEqualTo(4);
    }

    @Test
    @Rule("CK-10.5")
    void managerFinds() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata a = manager.save(key("run"), bytes("a"), SaveOptions.labelled("draft").withTags("x", "y"));
        manager.save(key("run"), bytes("b"), SaveOptions.none().withTags("y"));
        CheckpointMetadata c = manager.save(key("run"), bytes("c"), SaveOptions.labelled("draft"));
        assertThat(ids(manager.findByTag(key("run"), "x"))).containsExactly(a.id());
        assertThat(manager.findByTag(key("run"), "y")).hasSize(2);
        assertThat(manager.findByLabel(key("run"), "draft")).map(CheckpointMetadata::id).contains(a.id());
        manager.deleteThread(key("run"));
        assertThat(manager.findByLabel(key("run"), "draft")).isEmpty();
        assertThat(c.label()).isEqualTo("draft");
    }

    @Test
    @Rule("CK-10.6")
    void managerPrunes() {
        CheckpointManager manager = manager(3);
        Consumer<Integer> saveStep = i -> manager.save(key("run"), bytes("s" + i));
        for (int i = 1; i <= 5; i++) {
            saveStep.accept(i);
        }
        assertThat(manager.history(key("run"))).extracting(CheckpointMetadata::step).containsExactly(3L, 4L, 5L);
        assertThat(manager.listThreads(OWNER)).containsExactly("run");
    }

    @Test
    @Rule("CK-10.7")
    void managerExplicitLineage() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata root = manager.save(key("run"), bytes("root"));
        manager.save(key("run"), bytes("main line"));
        CheckpointMetadata branch = manager.save(key("run"), bytes("branch"),
                SaveOptions.none().withCheckpointId("retry-safe-1").withParentId(root.id()).withStep(42L));
        assertThat(branch.id()).isEqualTo("retry-safe-1");
        CheckpointMetadata stored = store().load(key("run"), "retry-safe-1").metadata();
        assertThat(stored.parentId()).isEqualTo(root.id());
        assertThat(stored.step()).isEqualTo(42);
        conflict(key("run"), "retry-safe-1",
                () -> manager.save(key("run"), bytes("again"), SaveOptions.none().withCheckpointId("retry-safe-1")));
        assertThat(store().count(key("run"))).isEqualTo(3);
    }

    // ---------------------------------------------------------------- 11. several instances

    @Test
    @Rule("CK-11.1")
    @Requires(Capability.MULTI_PROCESS)
    void savesThroughAnotherInstanceAreReadHere() {
        CheckpointStore other = anotherStore();
        other.save(key("t"), meta("t", "c1").withLabel("from there"), bytes("saved there"));

        assertThat(store().load(key("t"), "c1").state()).isEqualTo(bytes("saved there"));
        assertThat(store().load(key("t"), "c1").metadata().label()).isEqualTo("from there");
        assertThat(store().loadLatest(key("t")).id()).isEqualTo("c1");
        assertThat(store().listThreads(OWNER)).containsExactly("t");
        store().save(key("t"), meta("t", "c2"), bytes("saved here"));
        assertThat(other.loadLatest(key("t")).state()).isEqualTo(bytes("saved here"));
        assertThat(other.list(key("t"))).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L);
        assertThat(store().list(key("t"))).isEqualTo(other.list(key("t")));
        conflict(key("t"), "c1", () -> store().save(key("t"), meta("t", "c1"), bytes("again")));

        other.delete(key("t"), "c2");
        assertThat(store().loadLatest(key("t")).id()).isEqualTo("c1");
        assertThat(store().count(key("t"))).isEqualTo(1);
        other.save(key("u"), meta("u", "c1"), bytes("u"));
        assertThat(store().listThreads(OWNER)).containsExactly("t", "u");
        store().deleteThread(key("u"));
        assertThat(other.listThreads(OWNER)).containsExactly("t");
        threadNotFound(key("u"), () -> other.loadLatest(key("u")));
    }

    @Test
    @Rule("CK-11.2")
    @Requires(Capability.MULTI_PROCESS)
    void concurrentSavesThroughTwoInstances() {
        CheckpointStore other = anotherStore();
        Concurrently.run(8, worker -> {
            CheckpointStore target = worker % 2 == 0 ? store() : other;
            for (int i = 0; i < 50; i++) {
                String id = "w" + worker + "-" + i;
                target.save(key("hot"), meta("hot", id), bytes(id));
            }
        });

        for (CheckpointStore view : List.of(store(), other)) {
            List<CheckpointMetadata> all = view.list(key("hot"));
            assertThat(view.count(key("hot"))).isEqualTo(400);
            assertThat(all).hasSize(400);
            assertThat(all).extracting(CheckpointMetadata::sequence).doesNotHaveDuplicates().isSorted();
            assertThat(new HashSet<>(ids(all))).hasSize(400);
            for (int w = 0; w < 8; w++) {
                String prefix = "w" + w + "-";
                List<String> mine = ids(all).stream().filter(id -> id.startsWith(prefix)).toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    expected.add(prefix + i);
                }
                assertThat(mine).containsExactlyElementsOf(expected);
            }
            assertThat(view.loadLatest(key("hot")).metadata()).isEqualTo(all.getLast());
        }
        assertThat(other.list(key("hot"))).isEqualTo(store().list(key("hot")));
    }

    @Test
    @Rule("CK-11.3")
    @Requires(Capability.MULTI_PROCESS)
    void concurrentDuplicateSavesThroughTwoInstances() {
        CheckpointStore other = anotherStore();
        AtomicInteger wins = new AtomicInteger();
        ConcurrentLinkedQueue<ThreadKey> losses = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, worker -> {
            CheckpointStore target = worker % 2 == 0 ? store() : other;
            try {
                target.save(key("t"), meta("t", "contested").withLabel("w" + worker), bytes("w" + worker));
                wins.incrementAndGet();
            } catch (Conflict e) {
                assertThat(e.checkpointId()).isEqualTo("contested");
                losses.add(e.thread());
            }
        });

        assertThat(wins.get()).isEqualTo(1);
        assertThat(losses).hasSize(7).containsOnly(ThreadKey.of("alice", "t"));
        Checkpoint winner = other.load(key("t"), "contested");
        assertThat(winner.state()).isEqualTo(bytes(winner.metadata().label()));
        assertThat(store().load(key("t"), "contested").metadata()).isEqualTo(winner.metadata());
        assertThat(store().count(key("t"))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- 12. owners

    @Test
    @Rule("CK-12.1")
    void ownersAreIsolated() {
        ThreadKey alice = ThreadKey.of("alice", "run-42");
        ThreadKey bob = ThreadKey.of("bob", "run-42");
        store().save(alice, meta("run-42", "c1").withLabel("alice's"), bytes("alice 1"));
        store().save(alice, meta("run-42", "c2"), bytes("alice 2"));
        store().save(bob, meta("run-42", "c1").withLabel("bob's"), bytes("bob 1"));

        assertThat(store().load(alice, "c1").state()).isEqualTo(bytes("alice 1"));
        assertThat(store().load(alice, "c1").metadata().label()).isEqualTo("alice's");
        assertThat(store().load(bob, "c1").state()).isEqualTo(bytes("bob 1"));
        assertThat(store().load(bob, "c1").metadata().label()).isEqualTo("bob's");
        assertThat(store().list(alice)).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L);
        assertThat(store().list(bob)).extracting(CheckpointMetadata::sequence).containsExactly(1L);
        assertThat(store().loadLatest(alice).id()).isEqualTo("c2");
        assertThat(store().loadLatest(bob).id()).isEqualTo("c1");
        assertThat(store().count(alice)).isEqualTo(2);
        assertThat(store().count(bob)).isEqualTo(1);
        checkpointNotFound(bob, "c2", () -> store().load(bob, "c2"));
        checkpointNotFound(bob, "c2", () -> store().list(bob, ListOptions.newest(5).before("c2")));
        conflict(bob, "c1", () -> store().save(bob, meta("run-42", "c1"), bytes("again")));

        store().delete(bob, "c2");
        assertThat(store().prune(bob, 0)).isEqualTo(1);
        threadNotFound(bob, () -> store().loadLatest(bob));
        assertThat(ids(store().list(alice))).containsExactly("c1", "c2");
        store().save(bob, meta("run-42", "c2"), bytes("bob 2"));
        assertThat(store().list(bob)).extracting(CheckpointMetadata::sequence).containsExactly(1L);
        store().deleteThread(bob);
        assertThat(store().count(bob)).isZero();
        assertThat(store().load(alice, "c2").state()).isEqualTo(bytes("alice 2"));
        store().deleteThread(alice);
        assertThat(store().count(alice)).isZero();
        threadNotFound(ThreadKey.of("carol", "run-42"), () -> store().loadLatest(ThreadKey.of("carol", "run-42")));
    }

    @Test
    @Rule("CK-12.2")
    void listingIsPerOwner() {
        for (String thread : List.of("b", "a", "c")) {
            save(ThreadKey.of("alice", thread), "c1");
        }
        save(ThreadKey.of("bob", "z"), "c1");
        save(ThreadKey.of("bob", "a"), "c1");
        save(ThreadKey.of("Alice", "x"), "c1");
        save(ThreadKey.of("alice.x", "q"), "c1");
        save(ThreadKey.of("al", "ice:b"), "c1");

        assertThat(store().listThreads("alice")).containsExactly("a", "b", "c");
        assertThat(store().listThreads("bob")).containsExactly("a", "z");
        assertThat(store().listThreads("Alice")).containsExactly("x");
        assertThat(store().listThreads("alice.x")).containsExactly("q");
        assertThat(store().listThreads("al")).containsExactly("ice:b");
        assertThat(store().listThreads("carol")).isEmpty();
        assertThat(store().listThreads("carol", ThreadListOptions.first(1))).isEmpty();

        store().deleteThread(ThreadKey.of("alice", "b"));
        store().delete(ThreadKey.of("bob", "z"), "c1");
        store().prune(ThreadKey.of("alice", "c"), 0);
        assertThat(store().listThreads("alice")).containsExactly("a");
        assertThat(store().listThreads("bob")).containsExactly("a");
        store().deleteThread(ThreadKey.of("bob", "a"));
        assertThat(store().listThreads("bob")).isEmpty();
        assertThat(store().listThreads("alice")).containsExactly("a");
    }

    @Test
    @Rule("CK-12.3")
    void listingByOwnerIsKeysetPaged() {
        for (String thread : List.of("t03", "t01", "t10", "t02", "t05", "t04", "t09", "t06", "t11", "t08", "t07")) {
            save(ThreadKey.of("alice", thread), "c1");
        }
        for (String thread : List.of("t00", "t055", "t99")) {
            save(ThreadKey.of("bob", thread), "c1");
        }

        List<List<String>> pages = new ArrayList<>();
        ThreadListOptions page = ThreadListOptions.first(4);
        for (List<String> threads = store().listThreads("alice", page); !threads.isEmpty();
                threads = store().listThreads("alice", page)) {
            pages.add(threads);
            page = page.after(threads.getLast());
        }
        assertThat(pages).containsExactly(
                List.of("t01", "t02", "t03", "t04"),
                List.of("t05", "t06", "t07", "t08"),
                List.of("t09", "t10", "t11"));

        assertThat(store().listThreads("alice", ThreadListOptions.first(3).after("t05"))).containsExactly("t06", "t07", "t08");
        assertThat(store().listThreads("alice", ThreadListOptions.first(2).after("t055"))).containsExactly("t06", "t07");
        assertThat(store().listThreads("alice", ThreadListOptions.first(1).after("a"))).containsExactly("t01");
        assertThat(store().listThreads("alice", ThreadListOptions.first(5).after("t11"))).isEmpty();
        assertThat(store().listThreads("alice", ThreadListOptions.all().after("t09"))).containsExactly("t10", "t11");
        assertThat(store().listThreads("bob", ThreadListOptions.first(2))).containsExactly("t00", "t055");

        // A thread deleted between two pages is skipped, and the cursor it leaves still works.
        store().deleteThread(ThreadKey.of("alice", "t06"));
        assertThat(store().listThreads("alice", ThreadListOptions.first(2).after("t05"))).containsExactly("t07", "t08");
        assertThat(store().listThreads("alice", ThreadListOptions.first(2).after("t06"))).containsExactly("t07", "t08");
    }

    @Test
    @Rule("CK-12.4")
    void unsafeOwnersAreRejected() {
        save(ThreadKey.of("alice", "good"), "c1");
        List<String> bad = new ArrayList<>(List.of("..", ".", "", "a/b", "a\\b", "../etc", "x\0y", "spa ce", "é", "a:b", ":",
                "o".repeat(129)));
        bad.add(null);
        for (String owner : bad) {
            List<ThrowingCallable> calls = List.of(
                    () -> store().save(ThreadKey.of(owner, "t"), meta("t", "c1"), bytes("x")),
                    () -> store().load(ThreadKey.of(owner, "t"), "c1"),
                    () -> store().loadLatest(ThreadKey.of(owner, "t")),
                    () -> store().list(ThreadKey.of(owner, "t")),
                    () -> store().delete(ThreadKey.of(owner, "t"), "c1"),
                    () -> store().deleteThread(ThreadKey.of(owner, "t")),
                    () -> store().count(ThreadKey.of(owner, "t")),
                    () -> store().prune(ThreadKey.of(owner, "t"), 0),
                    () -> store().listThreads(owner),
                    () -> store().listThreads(owner, ThreadListOptions.first(1)));
            for (ThrowingCallable call : calls) {
                invalid(call, Reason.INVALID_ID);
            }
        }
        String longest = "o".repeat(128);
        save(ThreadKey.of(longest, "t"), "c1");
        assertThat(store().listThreads(longest)).containsExactly("t");
        assertThat(store().listThreads("alice")).containsExactly("good");
        assertThat(store().count(ThreadKey.of("alice", "good"))).isEqualTo(1);
    }

    @Test
    @Rule("CK-12.5")
    void anOwnerWithoutThreadsIsNoError() {
        save(ThreadKey.of("alice", "t"), "c1");
        ThreadKey stranger = ThreadKey.of("nobody-yet", "t");

        store().delete(stranger, "c1");
        store().deleteThread(stranger);

        assertThat(store().prune(stranger, 0)).isZero();
        assertThat(store().count(stranger)).isZero();
        assertThat(store().list(stranger)).isEmpty();
        assertThat(store().listThreads("nobody-yet")).isEmpty();
        assertThat(store().listThreads("alice")).containsExactly("t");
        assertThat(store().count(ThreadKey.of("alice", "t"))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- 13. error kinds

    @Test
    @Rule("CK-13.1")
    void missingDataIsNotFound() {
        ThreadKey t = ThreadKey.of("alice", "t");
        ThreadKey none = ThreadKey.of("alice", "none");
        save(t, "c1");

        NotFound thread = threadNotFound(none, () -> store().load(none, "c1"));
        assertThat(thread).hasMessage("Thread not found: thread none of owner alice");
        threadNotFound(none, () -> store().loadLatest(none));
        threadNotFound(ThreadKey.of("bob", "t"), () -> store().load(ThreadKey.of("bob", "t"), "c1"));
        NotFound checkpoint = checkpointNotFound(t, "c2", () -> store().load(t, "c2"));
        assertThat(checkpoint).hasMessage("Checkpoint not found: c2 in thread t of owner alice");
        checkpointNotFound(t, "c2", () -> store().list(t, ListOptions.newest(1).before("c2")));
        checkpointNotFound(t, "c2", () -> store().list(t, ListOptions.oldest(1).after("c2")));
        checkpointNotFound(t, "c2", () -> manager(0).fork(t, "c2", "copy"));
        threadNotFound(none, () -> manager(0).fork(none, "c1", "copy"));
        checkpointNotFound(t, "c2", () -> manager(0).rewind(t, "c2"));
        threadNotFound(none, () -> manager(0).rewind(none, "c1"));

        // Nothing else treats missing data as an error.
        assertThat(store().list(none)).isEmpty();
        assertThat(store().list(none, ListOptions.newest(1).before("c2"))).isEmpty();
        assertThat(store().count(none)).isZero();
        store().delete(none, "c1");
        store().delete(t, "c2");
        store().deleteThread(none);
        assertThat(store().prune(none, 0)).isZero();
        assertThat(store().listThreads("nobody")).isEmpty();
        assertThat(store().listThreads("alice")).containsExactly("t");
    }

    @Test
    @Rule("CK-13.2")
    void badInputIsValidationWithItsReason() {
        ThreadKey t = ThreadKey.of("alice", "t");
        save(t, "c1");
        CheckpointMetadata ok = meta("t", "c2");

        invalid(() -> store().save(t, meta("u", "c2"), bytes("x")), Reason.THREAD_MISMATCH);
        invalid(() -> store().save(t, meta("t", "c/2"), bytes("x")), Reason.INVALID_ID);
        invalid(() -> store().save(t, ok.withParentId(".."), bytes("x")), Reason.INVALID_ID);
        invalid(() -> store().save(t, ok.withLabel("\0"), bytes("x")), Reason.INVALID_ARGUMENT);
        invalid(() -> store().save(null, ok, bytes("x")), Reason.INVALID_ARGUMENT);
        invalid(() -> store().save(t, null, bytes("x")), Reason.INVALID_ARGUMENT);
        invalid(() -> store().save(t, ok, null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().load(null, "c1"), Reason.INVALID_ARGUMENT);
        invalid(() -> store().load(t, null), Reason.INVALID_ID);
        invalid(() -> store().load(t, "../c1"), Reason.INVALID_ID);
        invalid(() -> store().loadLatest(null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().list(null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().list(t, null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().list(t, ListOptions.newest(0)), Reason.INVALID_ARGUMENT);
        invalid(() -> store().delete(null, "c1"), Reason.INVALID_ARGUMENT);
        invalid(() -> store().delete(t, null), Reason.INVALID_ID);
        invalid(() -> store().deleteThread(null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().count(null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().prune(null, 1), Reason.INVALID_ARGUMENT);
        invalid(() -> store().prune(t, -1), Reason.INVALID_ARGUMENT);
        invalid(() -> store().listThreads("alice", null), Reason.INVALID_ARGUMENT);
        invalid(() -> store().listThreads("alice", ThreadListOptions.first(0)), Reason.INVALID_ARGUMENT);
        invalid(() -> store().listThreads(null), Reason.INVALID_ID);
        invalid(() -> manager(0).save(null, bytes("x")), Reason.INVALID_ARGUMENT);
        invalid(() -> manager(0).fork(t, "c1", "../x"), Reason.INVALID_ID);

        assertThat(ids(store().list(t))).containsExactly("c1");
        assertThat(store().listThreads("alice")).containsExactly("t");
    }

    @Test
    @Rule("CK-13.3")
    void aRepeatedIdIsConflict() {
        ThreadKey t = ThreadKey.of("alice", "t");
        save(t, "c1");

        Conflict e = conflict(t, "c1", () -> store().save(t, meta("t", "c1"), bytes("again")));
        assertThat(e).hasMessage("Checkpoint already exists: c1 in thread t of owner alice");
        conflict(t, "c1", () -> manager(0).save(t, bytes("again"), SaveOptions.none().withCheckpointId("c1")));
        // The same id elsewhere is no conflict, and a deleted id may be saved again.
        save(ThreadKey.of("alice", "u"), "c1");
        save(ThreadKey.of("bob", "t"), "c1");
        store().delete(t, "c1");
        save(t, "c1");
        assertThat(store().list(t)).extracting(CheckpointMetadata::sequence).containsExactly(1L);
        assertThat(store().count(t)).isEqualTo(1);
    }
}
