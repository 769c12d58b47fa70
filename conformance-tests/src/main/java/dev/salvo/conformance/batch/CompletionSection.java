package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-10.x}, completion and maintenance: markBatchFailed, the finalizer, completion notifications, deleteBatch.
 *
 * <p>Section 10 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface CompletionSection extends BatchFixture {

    @Test
    @Rule("BS-10.1")
    default void markBatchFailedIdempotent() {
        Batch b = newBatch(3, M);
        storage().markBatchFailed(b.id(), "first message");
        Batch failed = batch(b.id());
        if (has(Capability.CONTROLLABLE_CLOCK)) {
            clock().advance(Duration.ofMinutes(5));
        }

        storage().markBatchFailed(b.id(), "second message");

        Batch again = batch(b.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(again.errorMessage()).isEqualTo("first message");
        assertThat(again.failedAt()).isEqualTo(failed.failedAt()).isNotNull();
        assertThat(again.isTerminal()).isTrue();
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(b.id()));
        assertThat(storage().finalizeBatches(10)).doesNotContain(b.id());
        assertThat(batch(b.id())).isEqualTo(again);
    }

    @Test
    @Rule("BS-10.2")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void finalizeReturnsNewlyTerminal() {
        List<BatchId> short1 = List.of(newBatch("1h", 2, M).id(), newBatch("1h", 1, M).id(), newBatch("90m", 1, M).id());
        Batch alreadyDone = newBatch("1h", 1, M2);
        completeAll(liveDaemon(), M2, 1);
        Batch running = newBatch("24h", 1, M);
        clock().advance(Duration.ofHours(2));

        List<BatchId> first = storage().finalizeBatches(2);
        List<BatchId> second = storage().finalizeBatches(2);
        List<BatchId> third = storage().finalizeBatches(2);

        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(third).isEmpty();
        List<BatchId> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(short1);
        assertThat(short1).allSatisfy(id -> assertThat(batch(id).status()).isEqualTo(OpenAiBatchStatus.EXPIRED));
        assertThat(batch(alreadyDone.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(running.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(storage().finalizeBatches(100)).isEmpty();
    }

    @Test
    @Rule("BS-10.3")
    default void finalizeCancelsCancelling() {
        Batch b = newBatch(3, M);
        DaemonId doomed = liveDaemon();
        claim(doomed, M, 2);
        storage().cancelBatch(b.id());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        markDead(doomed);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).isEqualTo(2);
        boolean stillCancelling = batch(b.id()).status() == OpenAiBatchStatus.CANCELLING;

        List<BatchId> finalized = storage().finalizeBatches(10);

        if (stillCancelling) {
            assertThat(finalized).containsExactly(b.id());
        }
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(done.counts()).isEqualTo(counts(3, 0, 0, 0, 0, 3));
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
    }

    @Test
    @Rule("BS-10.4")
    default void pollCompletedOnce() {
        DaemonId d = liveDaemon();
        FileId file = upload("notify.jsonl", templates(2, M, M2));
        Batch completed = newBatch(input(file));
        completeAll(d, M, 1);
        completeAll(d, M2, 1);
        Batch failed = newBatch(1, "model-c");
        storage().markBatchFailed(failed.id(), "bad");
        Batch cancelled = newBatch(1, "model-d");
        storage().cancelBatch(cancelled.id());
        newBatch(1, "model-e");

        List<BatchNotification> first = storage().pollCompletedBatches(10);

        assertThat(first).extracting(n -> n.batch().id()).containsExactlyInAnyOrder(completed.id(), failed.id());
        BatchNotification note = first.stream().filter(n -> n.batch().id().equals(completed.id())).findFirst().orElseThrow();
        assertThat(note.batch()).isEqualTo(batch(completed.id()));
        assertThat(note.models()).containsExactlyInAnyOrder(M, M2);
        assertThat(note.inputFileName()).isEqualTo("notify.jsonl");
        assertThat(note.inputFileDescription()).isEqualTo("description of notify.jsonl");
        assertThat(storage().pollCompletedBatches(10)).isEmpty();

        Batch late = newBatch(1, "model-f");
        completeAll(d, "model-f", 1);
        assertThat(storage().pollCompletedBatches(10)).extracting(n -> n.batch().id()).containsExactly(late.id());
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }

    @Test
    @Rule("BS-10.5")
    default void pollConcurrently() {
        int n = 24;
        List<BatchId> completed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            completed.add(newBatch(1, M).id());
        }
        completeAll(liveDaemon(), M, n);
        assertThat(storage().pollCompletedBatches(3)).hasSize(3).allSatisfy(note -> completed.remove(note.batch().id()));
        Map<BatchId, Integer> handedOut = new ConcurrentHashMap<>();

        Concurrently.run(6, worker -> {
            for (int call = 0; call <= n; call++) {
                List<BatchNotification> got = storage().pollCompletedBatches(2);
                assertThat(got.size()).isLessThanOrEqualTo(2);
                if (got.isEmpty()) {
                    return;
                }
                got.forEach(note -> handedOut.merge(note.batch().id(), 1, Integer::sum));
            }
            throw new AssertionError("pollCompletedBatches never ran dry: batches are handed out more than once");
        });

        assertThat(handedOut.keySet()).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(handedOut.values()).allMatch(times -> times == 1);
    }

    @Test
    @Rule("BS-10.6")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void pollExpired() {
        Batch b = newBatch("1h", 2, M);
        clock().advance(Duration.ofHours(2));
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        storage().finalizeBatches(10);

        List<BatchNotification> notes = storage().pollCompletedBatches(10);

        assertThat(notes).singleElement().satisfies(n -> {
            assertThat(n.batch().id()).isEqualTo(b.id());
            assertThat(n.batch().status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
            assertThat(n.models()).containsExactly(M);
        });
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }

    @Test
    @Rule("BS-10.7")
    default void deleteBatch() {
        FileId file = upload(4, M);
        Batch b = newBatch(input(file));
        DaemonId d = liveDaemon();
        claim(d, M, 1);
        Batch kept = newBatch(1, M2);

        storage().deleteBatch(b.id());

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class, () -> storage().getBatch(b.id()));
        assertThat(nf.entity()).isEqualTo(Entity.BATCH);
        thrown(BatchStorageException.NotFound.class, () -> storage().getBatchStatus(b.id()));
        thrown(BatchStorageException.NotFound.class, () -> requests(b.id()));
        thrown(BatchStorageException.NotFound.class, () -> results(b.id(), 0, null, null));
        assertThat(listed(ListBatchesFilter.all())).containsExactly(kept.id());
        assertThat(storage().listFileBatches(file)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id(), kept.id()))).containsExactly(b.id());
        assertThat(claim(d, 10, Map.of(M, 10, M2, 10))).extracting(r -> r.data().batchId()).containsOnly(kept.id());
        assertThat(storage().getBatchByOutputFileId(b.outputFileId(), OutputFileType.OUTPUT)).isEmpty();
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        assertThat(storage().getFile(file).id()).isEqualTo(file);
    }

    @Test
    @Rule("BS-10.8")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void concurrentFinalizers() {
        List<BatchId> batches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batches.add(newBatch("1h", 3, M).id());
        }
        claim(liveDaemon(), M, 10);
        clock().advance(Duration.ofHours(2));
        Map<BatchId, Integer> finalized = new ConcurrentHashMap<>();

        Concurrently.run(4, worker -> {
            for (int round = 0; round < 10; round++) {
                storage().finalizeBatches(3).forEach(id -> finalized.merge(id, 1, Integer::sum));
            }
        });

        assertThat(finalized.keySet()).containsExactlyInAnyOrderElementsOf(batches);
        assertThat(finalized.values()).allMatch(times -> times == 1);
        assertThat(batches).allSatisfy(id -> {
            Batch b = batch(id);
            assertThat(b.status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
            assertThat(b.counts()).isEqualTo(counts(3, 0, 0, 0, 3, 0));
            assertThat(content(b.errorFileId())).hasSize(3);
        });
    }

    @Test
    @Rule("BS-10.9")
    default void purgeOrphansInChunks() {
        FileId doomedFile = upload("doomed.jsonl", templates(25, M));
        Batch doomedBatch = newBatch(input(doomedFile));
        // escalated copies are requests of the batch too: 25 originals and 25 copies to purge
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST,
                null)).isEqualTo(25);
        List<RequestId> doomedRequests = ids(requests(doomedBatch.id()));
        assertThat(doomedRequests).hasSize(50);
        FileId liveFile = upload("live.jsonl", templates(8, M));
        Batch liveBatch = newBatch(input(liveFile));
        FileId orphanedInput = upload("orphaned.jsonl", templates(5, "model-b"));
        Batch survivor = newBatch(input(orphanedInput));
        List<BatchRequest> survivorRequests = requests(survivor.id());
        List<FileContentItem> liveContent = content(liveFile);
        List<BatchRequest> liveRequests = requests(liveBatch.id());
        storage().deleteBatch(doomedBatch.id());
        storage().deleteFile(doomedFile);
        storage().deleteFile(orphanedInput);

        long total = 0;
        int calls = 0;
        for (long n; (n = storage().purgeOrphanedRows(10)) > 0; ) {
            assertThat(n).isLessThanOrEqualTo(20);
            total += n;
            calls++;
            assertThat(calls).as("purge terminates").isLessThan(50);
        }

        assertThat(total).isEqualTo(25 + 25 + 25 + 5);
        assertThat(calls).isGreaterThanOrEqualTo(5);
        assertThat(storage().getRequests(doomedRequests)).allMatch(RequestLookup.Missing.class::isInstance);
        assertThat(content(liveFile)).isEqualTo(liveContent);
        assertThat(requests(liveBatch.id())).isEqualTo(liveRequests);
        assertThat(requests(survivor.id())).isEqualTo(survivorRequests);
        assertThat(batch(liveBatch.id()).counts()).isEqualTo(counts(8, 8, 0, 0, 0, 0));
        assertThat(storage().purgeOrphanedRows(10)).isZero();
    }

    @Test
    @Rule("BS-10.10")
    default void concurrentPurges() {
        FileId file = upload("many.jsonl", templates(120, M));
        Batch doomed = newBatch(input(file));
        Batch live = newBatch(input(upload(3, M)));
        storage().deleteBatch(doomed.id());
        storage().deleteFile(file);
        AtomicLong deleted = new AtomicLong();

        Concurrently.run(4, worker -> {
            for (int call = 0; call <= 240; call++) {
                long n = storage().purgeOrphanedRows(7);
                if (n == 0) {
                    return;
                }
                assertThat(n).isLessThanOrEqualTo(14);
                deleted.addAndGet(n);
            }
            throw new AssertionError("purgeOrphanedRows never ran dry");
        });

        assertThat(deleted.get()).isEqualTo(240);
        assertThat(storage().purgeOrphanedRows(7)).isZero();
        assertThat(requests(live.id())).hasSize(3);
    }

    @Test
    @Rule("BS-10.11")
    default void deletedFinishedBatch() {
        Batch b = newBatch(2, M);
        List<BatchRequest> running = processing(liveDaemon(), M, 2);
        complete(running.get(0));
        fail(running.get(1));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);

        storage().deleteBatch(b.id());

        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).containsExactly(b.id());
        thrown(BatchStorageException.NotFound.class, () -> storage().retryFailedRequestsForBatch(b.id()));
        assertThat(storage().finalizeBatches(10)).isEmpty();
        thrown(BatchStorageException.NotFound.class, () -> storage().getBatch(b.id()));
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }
}
