package dev.salvo.conformance.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.conformance.StoreContract;
import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointManager;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.SaveOptions;
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

    // ---------------------------------------------------------------- helpers

    protected static CheckpointMetadata meta(String threadId, String id) {
        return CheckpointMetadata.of(id, threadId, T0, 0);
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private String save(String threadId, String id) {
        return store().save(threadId, meta(threadId, id), bytes("state of " + id));
    }

    private List<String> ids(List<CheckpointMetadata> metadata) {
        return metadata.stream().map(CheckpointMetadata::id).toList();
    }

    private void saveNumbered(String threadId, int count) {
        for (int i = 1; i <= count; i++) {
            save(threadId, "c" + i);
        }
    }

    private static InvalidState invalid(ThrowingCallable call) {
        return catchThrowableOfType(InvalidState.class, call);
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
        String id = store().save("thread-1", m, bytes("hello"));

        assertThat(id).isEqualTo("cp-1");
        Checkpoint loaded = store().load("thread-1", "cp-1");
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
        assertThat(store().list("thread-1")).containsExactly(got);
        assertThat(store().loadLatest("thread-1").metadata()).isEqualTo(got);
    }

    @Test
    @Rule("CK-1.2")
    void binaryStateRoundTrips() {
        byte[] state = new byte[256 * 4];
        for (int i = 0; i < state.length; i++) {
            state[i] = (byte) i;
        }
        store().save("t", meta("t", "bin"), state);
        assertThat(store().load("t", "bin").state()).isEqualTo(state);
        assertThat(store().loadLatest("t").state()).isEqualTo(state);
    }

    @Test
    @Rule("CK-1.3")
    void emptyStateRoundTrips() {
        store().save("t", meta("t", "empty"), new byte[0]);
        Checkpoint loaded = store().load("t", "empty");
        assertThat(loaded.state()).isEmpty();
        assertThat(loaded.metadata().stateSize()).isZero();
    }

    @Test
    @Rule("CK-1.4")
    void largeStateRoundTrips() {
        byte[] state = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(state);
        store().save("big", meta("big", "ten-mb"), state);
        Checkpoint loaded = store().load("big", "ten-mb");
        assertThat(loaded.metadata().stateSize()).isEqualTo(state.length);
        assertThat(loaded.state()).isEqualTo(state);
    }

    @Test
    @Rule("CK-1.5")
    void stateSizeIsAssignedByStore() {
        CheckpointMetadata lying = new CheckpointMetadata("x", "t", T0, null, 1, null, List.of(), 999_999, Map.of(), 0);
        store().save("t", lying, bytes("abc"));
        assertThat(store().load("t", "x").metadata().stateSize()).isEqualTo(3);
        assertThat(store().list("t").getFirst().stateSize()).isEqualTo(3);
    }

    @Test
    @Rule("CK-1.6")
    void absentFieldsStayAbsent() {
        store().save("t", meta("t", "bare"), bytes("x"));
        CheckpointMetadata got = store().load("t", "bare").metadata();
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
        store().save("t", m, bytes("x"));
        CheckpointMetadata got = store().load("t", "u").metadata();
        assertThat(got.label()).isEqualTo("étape ✓ 日本語 🚀");
        assertThat(got.tags()).containsExactly("ünï", "\"quoted\" 'tag'");
        assertThat(got.custom()).isEqualTo(m.custom());
    }

    @Test
    @Rule("CK-1.8")
    void storeCopiesState() {
        byte[] state = bytes("original");
        store().save("t", meta("t", "c"), state);
        state[0] = 'X';
        byte[] loaded = store().load("t", "c").state();
        assertThat(loaded).isEqualTo(bytes("original"));
        loaded[1] = 'Y';
        assertThat(store().load("t", "c").state()).isEqualTo(bytes("original"));
    }

    // ---------------------------------------------------------------- 2. ordering

    @Test
    @Rule("CK-2.1")
    void sequencesIncrease() {
        saveNumbered("t", 3);
        assertThat(store().list("t")).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L);
        store().delete("t", "c1");
        save("t", "c4");
        assertThat(store().list("t")).extracting(CheckpointMetadata::sequence).containsExactly(2L, 3L, 4L);
    }

    @Test
    @Rule("CK-2.2")
    void orderIsBySequenceNotTime() {
        store().save("t", CheckpointMetadata.of("late", "t", T0.plusSeconds(60), 1), bytes("1"));
        store().save("t", CheckpointMetadata.of("same-a", "t", T0, 2), bytes("2"));
        store().save("t", CheckpointMetadata.of("same-b", "t", T0, 3), bytes("3"));
        store().save("t", CheckpointMetadata.of("early", "t", T0.minusSeconds(3600), 4), bytes("4"));
        assertThat(ids(store().list("t"))).containsExactly("late", "same-a", "same-b", "early");
    }

    @Test
    @Rule("CK-2.3")
    void latestIsHighestSequence() {
        store().save("t", CheckpointMetadata.of("newest-time", "t", T0.plusSeconds(999), 50), bytes("a"));
        store().save("t", CheckpointMetadata.of("highest-step", "t", T0, 99), bytes("b"));
        store().save("t", CheckpointMetadata.of("last-saved", "t", T0.minusSeconds(999), 1), bytes("c"));
        Checkpoint latest = store().loadLatest("t");
        assertThat(latest.id()).isEqualTo("last-saved");
        assertThat(latest.state()).isEqualTo(bytes("c"));
    }

    @Test
    @Rule("CK-2.4")
    void latestAfterDelete() {
        saveNumbered("t", 3);
        store().delete("t", "c3");
        assertThat(store().loadLatest("t").id()).isEqualTo("c2");
    }

    @Test
    @Rule("CK-2.5")
    void parentIsKeptAsGiven() {
        save("t", "root");
        store().save("t", meta("t", "left").withParentId("root"), bytes("l"));
        store().save("t", meta("t", "right").withParentId("root"), bytes("r"));
        store().save("t", meta("t", "dangling").withParentId("not-in-this-thread"), bytes("d"));
        assertThat(store().list("t")).extracting(CheckpointMetadata::parentId)
                .containsExactly(null, "root", "root", "not-in-this-thread");
    }

    // ---------------------------------------------------------------- 3. missing data

    @Test
    @Rule("CK-3.1")
    void loadUnknownThread() {
        CheckpointException.ThreadNotFound e = catchThrowableOfType(
                CheckpointException.ThreadNotFound.class, () -> store().load("nobody", "c1"));
        assertThat(e).isNotNull();
        assertThat(e.threadId()).isEqualTo("nobody");
    }

    @Test
    @Rule("CK-3.2")
    void loadUnknownCheckpoint() {
        save("t", "c1");
        CheckpointException.NotFound e = catchThrowableOfType(
                CheckpointException.NotFound.class, () -> store().load("t", "c2"));
        assertThat(e).isNotNull();
        assertThat(e.checkpointId()).isEqualTo("c2");
        assertThat(e.threadId()).isEqualTo("t");
    }

    @Test
    @Rule("CK-3.3")
    void latestUnknownThread() {
        assertThatThrownBy(() -> store().loadLatest("nobody")).isInstanceOf(CheckpointException.ThreadNotFound.class);
    }

    @Test
    @Rule("CK-3.4")
    void listAndCountUnknownThread() {
        assertThat(store().list("nobody")).isEmpty();
        assertThat(store().list("nobody", ListOptions.newest(5))).isEmpty();
        assertThat(store().count("nobody")).isZero();
        assertThat(store().listThreads()).isEmpty();
    }

    @Test
    @Rule("CK-3.5")
    void emptiedThreadDoesNotExist() {
        saveNumbered("t", 2);
        store().delete("t", "c1");
        store().delete("t", "c2");
        assertThatThrownBy(() -> store().load("t", "c1")).isInstanceOf(CheckpointException.ThreadNotFound.class);
        assertThatThrownBy(() -> store().loadLatest("t")).isInstanceOf(CheckpointException.ThreadNotFound.class);
        assertThat(store().listThreads()).doesNotContain("t");
        assertThat(store().count("t")).isZero();
        save("t", "again");
        assertThat(store().list("t")).extracting(CheckpointMetadata::sequence).containsExactly(1L);
    }

    // ---------------------------------------------------------------- 4. deletes

    @Test
    @Rule("CK-4.1")
    void deleteOne() {
        saveNumbered("t", 3);
        store().delete("t", "c2");
        assertThat(ids(store().list("t"))).containsExactly("c1", "c3");
        assertThat(store().count("t")).isEqualTo(2);
        assertThatThrownBy(() -> store().load("t", "c2")).isInstanceOf(CheckpointException.NotFound.class);
        assertThat(store().load("t", "c3").state()).isEqualTo(bytes("state of c3"));
    }

    @Test
    @Rule("CK-4.2")
    void deleteIsIdempotent() {
        saveNumbered("t", 1);
        store().delete("t", "missing");
        store().delete("nobody", "c1");
        store().delete("t", "c1");
        store().delete("t", "c1");
        assertThat(store().count("t")).isZero();
    }

    @Test
    @Rule("CK-4.3")
    void deleteThread() {
        saveNumbered("a", 3);
        saveNumbered("b", 2);
        store().deleteThread("a");
        store().deleteThread("a");
        store().deleteThread("never-existed");
        assertThat(store().count("a")).isZero();
        assertThat(store().list("a")).isEmpty();
        assertThatThrownBy(() -> store().loadLatest("a")).isInstanceOf(CheckpointException.ThreadNotFound.class);
        assertThat(ids(store().list("b"))).containsExactly("c1", "c2");
    }

    @Test
    @Rule("CK-4.4")
    void listThreadsMembership() {
        for (String thread : List.of("zeta", "Alpha", "alpha", "b.2", "b-1", "b_3", "b:0", "10", "9")) {
            save(thread, "c");
        }
        assertThat(store().listThreads()).containsExactly("10", "9", "Alpha", "alpha", "b-1", "b.2", "b:0", "b_3", "zeta");
        store().delete("zeta", "c");
        store().deleteThread("alpha");
        assertThat(store().listThreads()).containsExactly("10", "9", "Alpha", "b-1", "b.2", "b:0", "b_3");
    }

    // ---------------------------------------------------------------- 5. validation

    @Test
    @Rule("CK-5.1")
    void threadMismatch() {
        InvalidState e = invalid(() -> store().save("t", meta("other", "c1"), bytes("x")));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.THREAD_MISMATCH);
        assertThat(store().count("t")).isZero();
        assertThat(store().count("other")).isZero();
        assertThat(store().listThreads()).isEmpty();
    }

    @Test
    @Rule("CK-5.2")
    void duplicateId() {
        store().save("t", meta("t", "c1").withLabel("first"), bytes("first"));
        InvalidState e = invalid(() -> store().save("t", meta("t", "c1").withLabel("second"), bytes("second")));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_ID);
        Checkpoint kept = store().load("t", "c1");
        assertThat(kept.metadata().label()).isEqualTo("first");
        assertThat(kept.state()).isEqualTo(bytes("first"));
        assertThat(store().count("t")).isEqualTo(1);
        save("t", "c2");
        assertThat(store().list("t")).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L);
    }

    @Test
    @Rule("CK-5.3")
    void sameIdInTwoThreads() {
        store().save("a", meta("a", "shared"), bytes("in a"));
        store().save("b", meta("b", "shared"), bytes("in b"));
        assertThat(store().load("a", "shared").state()).isEqualTo(bytes("in a"));
        assertThat(store().load("b", "shared").state()).isEqualTo(bytes("in b"));
        store().delete("a", "shared");
        assertThat(store().load("b", "shared").state()).isEqualTo(bytes("in b"));
    }

    @Test
    @Rule("CK-5.4")
    void unsafeIdsAreRejected() {
        save("good", "c1");
        List<String> bad = List.of("..", ".", "", "a/b", "a\\b", "../etc", "x\0y", "spa ce", "é", "a".repeat(129));
        for (String id : bad) {
            List<ThrowingCallable> calls = List.of(
                    () -> store().save(id, meta(id, "c1"), bytes("x")),
                    () -> store().save("good", meta("good", id), bytes("x")),
                    () -> store().save("good", meta("good", "c9").withParentId(id), bytes("x")),
                    () -> store().load(id, "c1"),
                    () -> store().load("good", id),
                    () -> store().loadLatest(id),
                    () -> store().list(id),
                    () -> store().delete(id, "c1"),
                    () -> store().delete("good", id),
                    () -> store().deleteThread(id),
                    () -> store().count(id),
                    () -> store().prune(id, 1));
            for (ThrowingCallable call : calls) {
                InvalidState e = invalid(call);
                assertThat(e).as("id %s", id).isNotNull();
                assertThat(e.reason()).isEqualTo(Reason.INVALID_ID);
            }
        }
        assertThat("a".repeat(128)).satisfies(longest -> {
            save(longest, longest);
            assertThat(store().load(longest, longest).id()).isEqualTo(longest);
        });
        assertThat(store().listThreads()).containsExactly("a".repeat(128), "good");
        assertThat(ids(store().list("good"))).containsExactly("c1");
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
            InvalidState e = invalid(() -> store().save("t", m, bytes("x")));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        }
        assertThat(store().count("t")).isZero();
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
                store().save("hot", meta("hot", id), bytes(id));
            }
        });
        List<CheckpointMetadata> all = store().list("hot");
        assertThat(store().count("hot")).isEqualTo(threads * perThread);
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
        assertThat(store().loadLatest("hot").metadata()).isEqualTo(last);
        assertThat(store().load("hot", "w3-7").state()).isEqualTo(bytes("w3-7"));
    }

    @Test
    @Rule("CK-6.2")
    void concurrentSavesToManyThreads() {
        int threads = 8;
        Concurrently.run(threads, worker -> {
            String thread = "thread-" + worker;
            for (int i = 1; i <= 40; i++) {
                store().save(thread, meta(thread, "c" + i), bytes(thread + i));
            }
        });
        assertThat(store().listThreads()).hasSize(threads);
        for (int w = 0; w < threads; w++) {
            List<CheckpointMetadata> list = store().list("thread-" + w);
            assertThat(list).extracting(CheckpointMetadata::sequence)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        }
    }

    @Test
    @Rule("CK-6.3")
    void concurrentDuplicateSaves() {
        int threads = 8;
        AtomicInteger wins = new AtomicInteger();
        ConcurrentLinkedQueue<Reason> losses = new ConcurrentLinkedQueue<>();
        Concurrently.run(threads, worker -> {
            try {
                store().save("t", meta("t", "contested").withLabel("w" + worker), bytes("w" + worker));
                wins.incrementAndGet();
            } catch (InvalidState e) {
                losses.add(e.reason());
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(losses).hasSize(threads - 1).containsOnly(Reason.DUPLICATE_ID);
        Checkpoint winner = store().load("t", "contested");
        assertThat(winner.state()).isEqualTo(bytes(winner.metadata().label()));
        assertThat(store().count("t")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- 7. prune

    @Test
    @Rule("CK-7.1")
    void pruneKeepsNewest() {
        saveNumbered("t", 10);
        saveNumbered("other", 3);
        assertThat(store().prune("t", 4)).isEqualTo(6);
        assertThat(ids(store().list("t"))).containsExactly("c7", "c8", "c9", "c10");
        assertThat(store().count("other")).isEqualTo(3);
        assertThat(store().loadLatest("t").id()).isEqualTo("c10");
    }

    @Test
    @Rule("CK-7.2")
    void pruneNothing() {
        saveNumbered("t", 3);
        assertThat(store().prune("t", 3)).isZero();
        assertThat(store().prune("t", 100)).isZero();
        assertThat(store().prune("nobody", 1)).isZero();
        assertThat(store().count("t")).isEqualTo(3);
        assertThat(store().listThreads()).containsExactly("t");
    }

    @Test
    @Rule("CK-7.3")
    void pruneToZero() {
        saveNumbered("t", 3);
        InvalidState e = invalid(() -> store().prune("t", -1));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(store().count("t")).isEqualTo(3);
        assertThat(store().prune("t", 0)).isEqualTo(3);
        assertThat(store().listThreads()).isEmpty();
        assertThatThrownBy(() -> store().loadLatest("t")).isInstanceOf(CheckpointException.ThreadNotFound.class);
    }

    // ---------------------------------------------------------------- 8. paging

    @Test
    @Rule("CK-8.1")
    void limitAndOrder() {
        saveNumbered("t", 5);
        assertThat(ids(store().list("t", ListOptions.oldest(2)))).containsExactly("c1", "c2");
        assertThat(ids(store().list("t", ListOptions.newest(2)))).containsExactly("c5", "c4");
        assertThat(ids(store().list("t", ListOptions.newest(50)))).containsExactly("c5", "c4", "c3", "c2", "c1");
        assertThat(ids(store().list("t", ListOptions.oldest(2).before("c4").after("c1")))).containsExactly("c2", "c3");
    }

    @Test
    @Rule("CK-8.2")
    void pageBackwards() {
        saveNumbered("t", 23);
        List<String> seen = new ArrayList<>();
        ListOptions page = ListOptions.newest(5);
        int pages = 0;
        while (true) {
            List<CheckpointMetadata> batch = store().list("t", page);
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
        store().delete("t", "c6");
        List<String> seen = new ArrayList<>();
        ListOptions page = ListOptions.oldest(4);
        for (List<CheckpointMetadata> batch = store().list("t", page); !batch.isEmpty(); batch = store().list("t", page)) {
            seen.addAll(ids(batch));
            page = page.after(batch.getLast().id());
        }
        assertThat(seen).containsExactly("c1", "c2", "c3", "c4", "c5", "c7", "c8", "c9", "c10", "c11", "c12");
    }

    @Test
    @Rule("CK-8.4")
    void unknownCursor() {
        saveNumbered("t", 2);
        assertThatThrownBy(() -> store().list("t", ListOptions.newest(5).before("zz")))
                .isInstanceOf(CheckpointException.NotFound.class);
        assertThatThrownBy(() -> store().list("t", ListOptions.oldest(5).after("zz")))
                .isInstanceOf(CheckpointException.NotFound.class);
        assertThat(store().list("nobody", ListOptions.newest(5).before("zz"))).isEmpty();
    }

    @Test
    @Rule("CK-8.5")
    void limitBelowOne() {
        InvalidState e = invalid(() -> store().list("t", new ListOptions(null, null, 0, ListOptions.Order.ASCENDING)));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    }

    // ---------------------------------------------------------------- 9. durability

    @Test
    @Rule("CK-9.1")
    @Requires(Capability.DURABLE)
    void survivesReopen() {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        store().save("a", meta("a", "c1").withLabel("l").withTags(List.of("t1")).withCustom(Map.of("k", "v")), big);
        saveNumbered("b", 3);
        store().delete("b", "c2");
        List<CheckpointMetadata> before = store().list("a");

        reopenStore();

        assertThat(store().listThreads()).containsExactly("a", "b");
        assertThat(store().list("a")).isEqualTo(before);
        assertThat(store().load("a", "c1").state()).isEqualTo(big);
        assertThat(ids(store().list("b"))).containsExactly("c1", "c3");
        save("b", "c4");
        assertThat(store().list("b")).extracting(CheckpointMetadata::sequence).containsExactly(1L, 3L, 4L);
        assertThatThrownBy(() -> store().save("b", meta("b", "c1"), bytes("x"))).isInstanceOf(InvalidState.class);
    }

    // ---------------------------------------------------------------- 10. CheckpointManager over this store

    @Test
    @Rule("CK-10.1")
    void managerDerivesLineage() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata first = manager.save("run", bytes("s1"));
        CheckpointMetadata second = manager.save("run", bytes("s2"));
        assertThat(first.step()).isEqualTo(1);
        assertThat(first.parentId()).isNull();
        assertThat(second.step()).isEqualTo(2);
        assertThat(second.parentId()).isEqualTo(first.id());
        assertThat(store().load("run", second.id()).metadata().parentId()).isEqualTo(first.id());
        assertThat(manager.loadLatest("run").state()).isEqualTo(bytes("s2"));
        assertThat(first.id()).isNotEqualTo(second.id());
    }

    @Test
    @Rule("CK-10.2")
    void managerContinuesAcrossInstances() {
        CheckpointMetadata one = manager(0).save("run", bytes("1"));
        CheckpointMetadata two = manager(0).save("run", bytes("2"));
        assertThat(two.step()).isEqualTo(2);
        assertThat(two.parentId()).isEqualTo(one.id());
        if (has(Capability.DURABLE)) {
            reopenStore();
            CheckpointMetadata three = manager(0).save("run", bytes("3"));
            assertThat(three.step()).isEqualTo(3);
            assertThat(three.parentId()).isEqualTo(two.id());
        }
    }

    @Test
    @Rule("CK-10.3")
    void managerForks() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata source = manager.save("src", bytes("state-A"),
                SaveOptions.labelled("plan").withTags("keep").withCustom(Map.of("k", "v")));
        manager.save("src", bytes("state-B"));
        CheckpointMetadata existing = manager.save("dst", bytes("dst-1"));

        CheckpointMetadata forked = manager.fork("src", source.id(), "dst");

        Checkpoint stored = store().load("dst", forked.id());
        assertThat(stored.state()).isEqualTo(bytes("state-A"));
        assertThat(stored.metadata().label()).isEqualTo("plan");
        assertThat(stored.metadata().tags()).containsExactly("keep");
        assertThat(stored.metadata().custom()).containsEntry("k", "v")
                .containsEntry(CheckpointManager.FORKED_FROM_THREAD, "src")
                .containsEntry(CheckpointManager.FORKED_FROM_CHECKPOINT, source.id());
        assertThat(stored.metadata().parentId()).isEqualTo(existing.id());
        assertThat(stored.metadata().step()).isEqualTo(2);
        assertThat(store().count("src")).isEqualTo(2);
        assertThatThrownBy(() -> manager.fork("src", "missing", "dst")).isInstanceOf(CheckpointException.NotFound.class);
    }

    @Test
    @Rule("CK-10.4")
    void managerRewinds() {
        CheckpointManager manager = manager(0);
        List<String> saved = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            saved.add(manager.save("run", bytes("s" + i)).id());
        }
        assertThatThrownBy(() -> manager.rewind("run", "missing")).isInstanceOf(CheckpointException.NotFound.class);
        assertThatThrownBy(() -> manager.rewind("nobody", saved.get(0))).isInstanceOf(CheckpointException.ThreadNotFound.class);
        assertThat(store().count("run")).isEqualTo(5);

        assertThat(manager.rewind("run", saved.get(2))).isEqualTo(2);
        assertThat(ids(manager.history("run"))).containsExactlyElementsOf(saved.subList(0, 3));
        CheckpointMetadata next = manager.save("run", bytes("after rewind"));
        assertThat(next.parentId()).isEqualTo(saved.get(2));
        assertThat(next.step()).isEqualTo(4);
    }

    @Test
    @Rule("CK-10.5")
    void managerFinds() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata a = manager.save("run", bytes("a"), SaveOptions.labelled("draft").withTags("x", "y"));
        manager.save("run", bytes("b"), SaveOptions.none().withTags("y"));
        CheckpointMetadata c = manager.save("run", bytes("c"), SaveOptions.labelled("draft"));
        assertThat(ids(manager.findByTag("run", "x"))).containsExactly(a.id());
        assertThat(manager.findByTag("run", "y")).hasSize(2);
        assertThat(manager.findByLabel("run", "draft")).map(CheckpointMetadata::id).contains(a.id());
        manager.deleteThread("run");
        assertThat(manager.findByLabel("run", "draft")).isEmpty();
        assertThat(c.label()).isEqualTo("draft");
    }

    @Test
    @Rule("CK-10.6")
    void managerPrunes() {
        CheckpointManager manager = manager(3);
        Consumer<Integer> saveStep = i -> manager.save("run", bytes("s" + i));
        for (int i = 1; i <= 5; i++) {
            saveStep.accept(i);
        }
        assertThat(manager.history("run")).extracting(CheckpointMetadata::step).containsExactly(3L, 4L, 5L);
        assertThat(manager.listThreads()).containsExactly("run");
    }

    @Test
    @Rule("CK-10.7")
    void managerExplicitLineage() {
        CheckpointManager manager = manager(0);
        CheckpointMetadata root = manager.save("run", bytes("root"));
        manager.save("run", bytes("main line"));
        CheckpointMetadata branch = manager.save("run", bytes("branch"),
                SaveOptions.none().withCheckpointId("retry-safe-1").withParentId(root.id()).withStep(42L));
        assertThat(branch.id()).isEqualTo("retry-safe-1");
        CheckpointMetadata stored = store().load("run", "retry-safe-1").metadata();
        assertThat(stored.parentId()).isEqualTo(root.id());
        assertThat(stored.step()).isEqualTo(42);
        InvalidState e = invalid(() -> manager.save("run", bytes("again"), SaveOptions.none().withCheckpointId("retry-safe-1")));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_ID);
        assertThat(store().count("run")).isEqualTo(3);
    }

    // ---------------------------------------------------------------- 11. several instances

    @Test
    @Rule("CK-11.1")
    @Requires(Capability.MULTI_PROCESS)
    void savesThroughAnotherInstanceAreReadHere() {
        CheckpointStore other = anotherStore();
        other.save("t", meta("t", "c1").withLabel("from there"), bytes("saved there"));

        assertThat(store().load("t", "c1").state()).isEqualTo(bytes("saved there"));
        assertThat(store().load("t", "c1").metadata().label()).isEqualTo("from there");
        assertThat(store().loadLatest("t").id()).isEqualTo("c1");
        assertThat(store().listThreads()).containsExactly("t");
        store().save("t", meta("t", "c2"), bytes("saved here"));
        assertThat(other.loadLatest("t").state()).isEqualTo(bytes("saved here"));
        assertThat(other.list("t")).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L);
        assertThat(store().list("t")).isEqualTo(other.list("t"));
        InvalidState duplicate = invalid(() -> store().save("t", meta("t", "c1"), bytes("again")));
        assertThat(duplicate).isNotNull();
        assertThat(duplicate.reason()).isEqualTo(Reason.DUPLICATE_ID);

        other.delete("t", "c2");
        assertThat(store().loadLatest("t").id()).isEqualTo("c1");
        assertThat(store().count("t")).isEqualTo(1);
        other.save("u", meta("u", "c1"), bytes("u"));
        assertThat(store().listThreads()).containsExactly("t", "u");
        store().deleteThread("u");
        assertThat(other.listThreads()).containsExactly("t");
        assertThatThrownBy(() -> other.loadLatest("u")).isInstanceOf(CheckpointException.ThreadNotFound.class);
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
                target.save("hot", meta("hot", id), bytes(id));
            }
        });

        for (CheckpointStore view : List.of(store(), other)) {
            List<CheckpointMetadata> all = view.list("hot");
            assertThat(view.count("hot")).isEqualTo(400);
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
            assertThat(view.loadLatest("hot").metadata()).isEqualTo(all.getLast());
        }
        assertThat(other.list("hot")).isEqualTo(store().list("hot"));
    }

    @Test
    @Rule("CK-11.3")
    @Requires(Capability.MULTI_PROCESS)
    void concurrentDuplicateSavesThroughTwoInstances() {
        CheckpointStore other = anotherStore();
        AtomicInteger wins = new AtomicInteger();
        ConcurrentLinkedQueue<Reason> losses = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, worker -> {
            CheckpointStore target = worker % 2 == 0 ? store() : other;
            try {
                target.save("t", meta("t", "contested").withLabel("w" + worker), bytes("w" + worker));
                wins.incrementAndGet();
            } catch (InvalidState e) {
                losses.add(e.reason());
            }
        });

        assertThat(wins.get()).isEqualTo(1);
        assertThat(losses).hasSize(7).containsOnly(Reason.DUPLICATE_ID);
        Checkpoint winner = other.load("t", "contested");
        assertThat(winner.state()).isEqualTo(bytes(winner.metadata().label()));
        assertThat(store().load("t", "contested").metadata()).isEqualTo(winner.metadata());
        assertThat(store().count("t")).isEqualTo(1);
    }
}
