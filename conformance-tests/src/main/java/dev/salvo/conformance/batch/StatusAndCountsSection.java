package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-3.x}, batch status and counts: completion, cancellation, expiry through the finalizer.
 *
 * <p>Section 3 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface StatusAndCountsSection extends BatchFixture {

    @Test
    @Rule("BS-3.1")
    default void lastResultCompletesBatch() {
        Batch b = newBatch(4, M);
        List<BatchRequest> running = processing(liveDaemon(), M, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(complete(running.get(i)).applied()).isTrue();
            Batch mid = batch(b.id());
            assertThat(mid.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(mid.completedAt()).isNull();
            assertThat(mid.finalizingAt()).isNull();
        }
        assertThat(complete(running.get(3)).applied()).isTrue();

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.finalizingAt()).isNotNull();
        assertThat(done.completedAt()).isNotNull();
        assertThat(done.finalizingAt()).isBeforeOrEqualTo(done.completedAt());
        assertThat(done.failedAt()).isNull();
        assertThat(done.cancelledAt()).isNull();
        assertThat(done.expiredAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(4, 0, 0, 4, 0, 0));
        assertThat(done.isTerminal()).isTrue();
        BatchStatus status = storage().getBatchStatus(b.id());
        assertThat(status.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(status.isFinished()).isTrue();
        assertThat(storage().finalizeBatches(100)).doesNotContain(b.id());
    }

    @Test
    @Rule("BS-3.2")
    default void allFailedIsCompleted() {
        Batch b = newBatch(3, M);
        failAll(liveDaemon(), M, 3);

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.failedAt()).isNull();
        assertThat(done.errorMessage()).isNull();
        assertThat(done.counts()).isEqualTo(counts(3, 0, 0, 0, 3, 0));
        assertThat(done.counts().failed()).isEqualTo(done.counts().total());
    }

    @Test
    @Rule("BS-3.3")
    default void mixedOutcomesComplete() {
        Batch b = newBatch(5, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> running = processing(d, M, 3);
        complete(running.get(0));
        complete(running.get(1));
        fail(running.get(2));
        List<BatchRequest> pending = originals(b.id()).stream()
                .filter(r -> r.state().kind() == RequestStateKind.PENDING).toList();
        assertThat(pending).hasSize(2);

        storage().cancelRequests(List.of(pending.get(0).id()));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        storage().cancelRequests(List.of(pending.get(1).id()));

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.cancelledAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(5, 0, 0, 2, 1, 2));
    }

    @Test
    @Rule("BS-3.4")
    default void exactCounts() {
        Batch b = newBatch(10, M);
        DaemonId d = liveDaemon();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 10, 0, 0, 0, 0));
        List<BatchRequest> claimed = claim(d, M, 6);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 4, 6, 0, 0, 0));
        List<BatchRequest> started = startAll(claimed.subList(0, 4));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 4, 6, 0, 0, 0));
        complete(started.get(0));
        complete(started.get(1));
        fail(started.get(2));
        RequestId pendingOne = originals(b.id()).stream().filter(r -> r.state().kind() == RequestStateKind.PENDING)
                .findFirst().orElseThrow().id();
        storage().cancelRequests(List.of(pendingOne));

        RequestCounts expected = counts(10, 3, 3, 2, 1, 1);
        assertThat(batch(b.id()).counts()).isEqualTo(expected);
        assertThat(storage().getBatchStatus(b.id()).counts()).isEqualTo(expected);
        assertThat(storage().listBatches(ListBatchesFilter.all())).singleElement()
                .extracting(Batch::counts).isEqualTo(expected);
        assertThat(storage().listFileBatches(b.fileId())).singleElement().extracting(BatchStatus::counts).isEqualTo(expected);
        assertThat(expected.terminal()).isEqualTo(4);
    }

    @Test
    @Rule("BS-3.5")
    default void cancelIdleBatch() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        complete(processing(d, M, 1).getFirst());

        Batch returned = storage().cancelBatch(b.id());

        assertThat(returned.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(returned.cancellingAt()).isNotNull();
        assertThat(returned.cancelledAt()).isNotNull();
        assertThat(returned.completedAt()).isNull();
        assertThat(returned.counts()).isEqualTo(counts(3, 0, 0, 1, 0, 2));
        assertThat(batch(b.id())).isEqualTo(returned);
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).containsExactly(b.id());
        assertThat(customIds(content(b.outputFileId()))).hasSize(1);
    }

    @Test
    @Rule("BS-3.6")
    default void cancelBusyBatch() {
        Batch b = newBatch(5, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 2);
        BatchRequest started = start(claimed.get(0));
        BatchRequest stillClaimed = claimed.get(1);

        Batch cancelling = storage().cancelBatch(b.id());

        assertThat(cancelling.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(cancelling.cancellingAt()).isNotNull();
        assertThat(cancelling.cancelledAt()).isNull();
        assertThat(cancelling.counts()).isEqualTo(counts(5, 0, 0, 0, 0, 5));
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).containsExactly(b.id());

        assertThat(complete(started).applied()).isTrue();
        Batch mid = batch(b.id());
        assertThat(mid.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(mid.counts()).isEqualTo(counts(5, 0, 0, 1, 0, 4));

        assertThat(cancelInFlight(stillClaimed).applied()).isTrue();
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(done.cancelledAt()).isNotNull();
        assertThat(done.cancellingAt()).isEqualTo(cancelling.cancellingAt());
        assertThat(done.completedAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(5, 0, 0, 1, 0, 4));
        assertThat(storage().finalizeBatches(100)).doesNotContain(b.id());
    }

    @Test
    @Rule("BS-3.7")
    default void cancelIsIdempotent() {
        Batch busy = newBatch(2, M);
        BatchRequest inFlight = claim(liveDaemon(), M, 1).getFirst();
        Batch first = storage().cancelBatch(busy.id());
        Batch again = storage().cancelBatch(busy.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(again.cancellingAt()).isEqualTo(first.cancellingAt());

        cancelInFlight(inFlight);
        Batch cancelled = batch(busy.id());
        assertThat(cancelled.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        Batch third = storage().cancelBatch(busy.id());
        assertThat(third.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(third.cancellingAt()).isEqualTo(first.cancellingAt());
        assertThat(third.cancelledAt()).isEqualTo(cancelled.cancelledAt());
    }

    @Test
    @Rule("BS-3.8")
    default void cancelFinishedBatchIsInvalid() {
        Batch completed = newBatch(2, M);
        completeAll(liveDaemon(), M, 2);
        Batch failed = newBatch(2, M2);
        storage().markBatchFailed(failed.id(), "upstream rejected the file");
        Batch completedBefore = batch(completed.id());
        Batch failedBefore = batch(failed.id());

        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(completed.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(failed.id()));

        assertThat(batch(completed.id())).isEqualTo(completedBefore);
        assertThat(batch(failed.id())).isEqualTo(failedBefore);
        assertThat(storage().getCancelledBatchIds(List.of(completed.id(), failed.id()))).isEmpty();
        thrown(BatchStorageException.NotFound.class, () -> storage().cancelBatch(BatchId.generate()));
    }

    @Test
    @Rule("BS-3.9")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void expiryThroughFinalizer() {
        Batch b = newBatch("1h", 6, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 5);
        Instant t = now();
        complete(start(claimed.get(0)), responseBody(claimed.get(0)), t);
        complete(start(claimed.get(1)), responseBody(claimed.get(1)), t);
        fail(start(claimed.get(2)), new FailureReason.NonRetriableHttpStatus(422, "unprocessable"), t);
        BatchRequest processingOne = start(claimed.get(3));
        assertThat(reschedule(start(claimed.get(4)), new RequestState.Pending(2, null))).isTrue();
        BatchRequest claimedOne = claim(d, M, 1).getFirst();
        assertThat(claimedOne.id()).isEqualTo(claimed.get(4).id());

        clock().advance(Duration.ofHours(1).plusSeconds(1));
        Instant expiry = t.plus(Duration.ofHours(1).plusSeconds(1));
        List<BatchId> finalized = storage().finalizeBatches(100);

        assertThat(finalized).containsExactly(b.id());
        Batch expired = batch(b.id());
        assertThat(expired.status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
        assertThat(expired.expiredAt()).isEqualTo(expiry);
        assertThat(expired.finalizingAt()).as("expiry stamps expiredAt only").isNull();
        assertThat(expired.completedAt()).isNull();
        assertThat(expired.counts()).isEqualTo(counts(6, 0, 0, 2, 4, 0));
        assertThat(lineRequestIds(content(b.outputFileId())))
                .containsExactlyElementsOf(inIdOrder(List.of(claimed.get(0).id(), claimed.get(1).id())));
        List<FileContentItem> errors = content(b.errorFileId());
        RequestId pendingOne = originals(b.id()).stream()
                .filter(r -> !ids(claimed).contains(r.id())).findFirst().orElseThrow().id();
        List<RequestId> expiredIds = inIdOrder(List.of(processingOne.id(), claimedOne.id(), pendingOne));
        List<RequestId> expectedErrors = new ArrayList<>();
        expectedErrors.add(claimed.get(2).id());
        expectedErrors.addAll(expiredIds);
        assertThat(lineRequestIds(errors)).containsExactlyElementsOf(expectedErrors);
        assertThat(errors.subList(1, 4)).allSatisfy(e -> {
            FailureReason reason = ((FileContentItem.ErrorLine) e).reason();
            assertThat(reason).isEqualTo(new FailureReason.BatchExpired());
            assertThat(reason.code()).isEqualTo("batch_expired");
        });
        // each keeps the attempt it was on (the claimed one was on its third, attempt 2); no model answered
        assertThat(stateOf(processingOne.id())).isEqualTo(new RequestState.Failed(new FailureReason.BatchExpired(), expiry, 0, null));
        assertThat(stateOf(claimedOne.id())).isEqualTo(new RequestState.Failed(new FailureReason.BatchExpired(), expiry, 2, null));
        assertThat(stateOf(pendingOne)).isEqualTo(new RequestState.Failed(new FailureReason.BatchExpired(), expiry, 0, null));
        assertThat(complete(processingOne)).isEqualTo(new PersistResult.Dropped(RequestStateKind.FAILED));
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(b.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(b.id()));
        assertThat(storage().retryFailedRequests(List.of(pendingOne)))
                .containsExactly(new RequestOutcome.NotApplicable(pendingOne, RequestStateKind.FAILED));
        assertThat(storage().finalizeBatches(100)).isEmpty();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 0, 0, 2, 4, 0));
    }

    @Test
    @Rule("BS-3.10")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void readsNeverWrite() {
        Batch b = newBatch("30m", 3, M);
        BatchRequest inFlight = processing(liveDaemon(), M, 1).getFirst();
        clock().advance(Duration.ofHours(2));

        for (int i = 0; i < 2; i++) {
            assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(storage().getBatchStatus(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(storage().listBatches(ListBatchesFilter.all())).singleElement()
                    .extracting(Batch::status).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(content(b.errorFileId())).isEmpty();
            assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::status)
                    .containsExactlyInAnyOrder(ResultStatus.IN_PROGRESS, ResultStatus.PENDING, ResultStatus.PENDING);
            assertThat(kindOf(inFlight.id())).isEqualTo(RequestStateKind.PROCESSING);
            assertThat(storage().pollCompletedBatches(10)).isEmpty();
        }
        assertThat(storage().finalizeBatches(10)).containsExactly(b.id());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
    }

    @Test
    @Rule("BS-3.11")
    default void batchStatusView() {
        FileId file = upload("named-input.jsonl", templates(3, M));
        Batch record = storage().createBatchRecord(new BatchInput(file, PATH, "24h", Map.of(), "", null, null, 3L));
        BatchStatus validating = storage().getBatchStatus(record.id());
        assertThat(validating).isEqualTo(new BatchStatus(record.id(), file, "named-input.jsonl", counts(3, 0, 0, 0, 0, 0),
                OpenAiBatchStatus.VALIDATING, record.createdAt(), null, null));
        assertThat(validating.status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(validating.counts().total()).isEqualTo(3);
        assertThat(validating.isFinished()).isFalse();

        storage().populateBatch(record.id(), file);
        BatchStatus running = storage().getBatchStatus(record.id());
        assertThat(running.batchId()).isEqualTo(record.id());
        assertThat(running.fileId()).isEqualTo(file);
        assertThat(running.fileName()).isEqualTo("named-input.jsonl");
        assertThat(running.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(running.inProgressAt()).isNotNull();
        assertThat(running).isEqualTo(new BatchStatus(record.id(), file, "named-input.jsonl", counts(3, 3, 0, 0, 0, 0),
                OpenAiBatchStatus.IN_PROGRESS, record.createdAt(), batch(record.id()).inProgressAt(), null));
        assertThat(thrown(BatchStorageException.NotFound.class, () -> storage().getBatchStatus(BatchId.generate()))
                .entity()).isEqualTo(Entity.BATCH);
        assertThat(thrown(BatchStorageException.NotFound.class, () -> storage().getBatch(BatchId.generate()))
                .entity()).isEqualTo(Entity.BATCH);
    }

    @Test
    @Rule("BS-3.12")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void repeatedCancelKeepsFirstStamps() {
        Instant t0 = now();
        FileId file = upload("shared.jsonl", templates(3, M));
        Batch b = storage().createBatch(input(file));
        BatchRequest inFlight = processing(liveDaemon(), M, 1).getFirst();
        clock().advance(Duration.ofSeconds(10));
        assertThat(storage().cancelBatch(b.id()).cancellingAt()).isEqualTo(t0.plusSeconds(10));

        clock().advance(Duration.ofSeconds(10));
        Batch again = storage().cancelBatch(b.id());
        clock().advance(Duration.ofSeconds(10));
        storage().deleteFile(file);
        Batch afterDelete = batch(b.id());

        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(again.cancellingAt()).isEqualTo(t0.plusSeconds(10));
        assertThat(afterDelete.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(afterDelete.cancellingAt()).isEqualTo(t0.plusSeconds(10));
        assertThat(afterDelete.cancelledAt()).isNull();

        clock().advance(Duration.ofSeconds(10));
        assertThat(complete(inFlight).applied()).isTrue();
        Batch cancelled = batch(b.id());
        assertThat(cancelled.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(cancelled.cancellingAt()).isEqualTo(t0.plusSeconds(10));
        assertThat(cancelled.cancelledAt()).isEqualTo(t0.plusSeconds(40));

        clock().advance(Duration.ofSeconds(10));
        Batch third = storage().cancelBatch(b.id());
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(third.cancellingAt()).isEqualTo(t0.plusSeconds(10));
        assertThat(third.cancelledAt()).isEqualTo(t0.plusSeconds(40));
        assertThat(batch(b.id())).isEqualTo(third);
        assertThat(third.counts()).isEqualTo(counts(3, 0, 0, 1, 0, 2));
    }

    @Test
    @Rule("BS-3.13")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void cancellingBatchNeverExpires() {
        Instant t0 = now();
        Batch b = newBatch("1h", 3, M);
        List<BatchRequest> inFlight = processing(liveDaemon(), M, 2);
        Batch cancelling = storage().cancelBatch(b.id());
        assertThat(cancelling.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        clock().advance(Duration.ofHours(2));

        assertThat(storage().finalizeBatches(10)).isEmpty();
        Batch pastDeadline = batch(b.id());
        assertThat(pastDeadline.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(pastDeadline.expiredAt()).isNull();
        assertThat(pastDeadline.counts()).isEqualTo(counts(3, 0, 0, 0, 0, 3));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(inFlight).allSatisfy(r -> assertThat(kindOf(r.id())).isEqualTo(RequestStateKind.PROCESSING));

        assertThat(complete(inFlight.get(0)).applied()).isTrue();
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(fail(inFlight.get(1), new FailureReason.Timeout("late"), now()).applied()).isTrue();

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(done.cancelledAt()).isEqualTo(t0.plus(Duration.ofHours(2)));
        assertThat(done.expiredAt()).isNull();
        assertThat(done.completedAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(3, 0, 0, 1, 1, 1));
        assertThat(content(b.errorFileId())).singleElement()
                .isEqualTo(new FileContentItem.ErrorLine(inFlight.get(1).id(), "req-00001", new FailureReason.Timeout("late")));
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }

    @Test
    @Rule("BS-3.14")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void validatingBatchNeverExpires() {
        Batch record = storage().createBatchRecord(input(upload(2, M), "1h"));
        clock().advance(Duration.ofHours(2));

        assertThat(storage().finalizeBatches(10)).isEmpty();

        Batch after = batch(record.id());
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(after.expiredAt()).isNull();
        assertThat(after).isEqualTo(record);
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        assertThat(storage().getMissedSlaBatches(EnumSet.of(RequestStateKind.PENDING))).isEmpty();
    }
}
