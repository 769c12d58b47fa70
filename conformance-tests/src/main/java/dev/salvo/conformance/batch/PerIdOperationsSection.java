package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-7.x}, per-id operations and retries.
 *
 * <p>Section 7 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface PerIdOperationsSection extends BatchFixture {

    @Test
    @Rule("BS-7.1")
    default void cancelRequestsOutcomes() {
        Batch b = newBatch(6, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 4);
        BatchRequest processingOne = start(claimed.get(1));
        BatchRequest completedOne = start(claimed.get(2));
        complete(completedOne);
        BatchRequest failedOne = start(claimed.get(3));
        fail(failedOne);
        RequestId pendingOne = originals(b.id()).stream().filter(r -> r.state().kind() == RequestStateKind.PENDING)
                .findFirst().orElseThrow().id();
        RequestId unknown = RequestId.generate();

        List<RequestOutcome> outcomes = storage().cancelRequests(List.of(pendingOne, claimed.get(0).id(),
                processingOne.id(), completedOne.id(), unknown, failedOne.id()));

        assertThat(outcomes).containsExactly(
                new RequestOutcome.Done(pendingOne),
                new RequestOutcome.Done(claimed.get(0).id()),
                new RequestOutcome.Done(processingOne.id()),
                new RequestOutcome.NotApplicable(completedOne.id(), RequestStateKind.COMPLETED),
                new RequestOutcome.NotFound(unknown),
                new RequestOutcome.NotApplicable(failedOne.id(), RequestStateKind.FAILED));
        for (RequestId id : List.of(pendingOne, claimed.get(0).id(), processingOne.id())) {
            assertThat(stateOf(id)).isInstanceOf(RequestState.Canceled.class);
        }
        assertThat(kindOf(completedOne.id())).isEqualTo(RequestStateKind.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 1, 0, 1, 1, 3));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(storage().cancelRequests(List.of(pendingOne)))
                .containsExactly(new RequestOutcome.NotApplicable(pendingOne, RequestStateKind.CANCELED));
    }

    @Test
    @Rule("BS-7.2")
    default void retryFailedRequestsOutcomes() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 3);
        BatchRequest tried = start(claimed.get(0));
        reschedule(tried, new RequestState.Pending(2, null));
        BatchRequest retried = start(claim(d, M, 1).getFirst());
        fail(retried, new FailureReason.RetriableHttpStatus(503, "busy"), now());
        assertThat(stateOf(retried.id())).isInstanceOfSatisfying(RequestState.Failed.class,
                f -> assertThat(f.retryAttempt()).isEqualTo(2));
        complete(start(claimed.get(1)));
        BatchRequest pendingLater = claimed.get(2);
        storage().persist(pendingLater.withState(((RequestState.Claimed) pendingLater.state()).release()));
        RequestId unknown = RequestId.generate();

        List<RequestOutcome> outcomes = storage().retryFailedRequests(List.of(retried.id(), claimed.get(1).id(), unknown,
                pendingLater.id()));

        assertThat(outcomes).containsExactly(
                new RequestOutcome.Done(retried.id()),
                new RequestOutcome.NotApplicable(claimed.get(1).id(), RequestStateKind.COMPLETED),
                new RequestOutcome.NotFound(unknown),
                new RequestOutcome.NotApplicable(pendingLater.id(), RequestStateKind.PENDING));
        assertThat(stateOf(retried.id())).isEqualTo(RequestState.Pending.fresh());
        assertThat(content(b.errorFileId())).isEmpty();

        // now complete the other one, fail the retried one, retry it once the batch is completed
        List<BatchRequest> both = claim(d, M, 2);
        assertThat(ids(both)).containsExactlyInAnyOrder(pendingLater.id(), retried.id());
        for (BatchRequest r : both) {
            if (r.id().equals(pendingLater.id())) {
                complete(start(r));
            } else {
                fail(start(r));
            }
        }
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(storage().retryFailedRequests(List.of(retried.id()))).containsExactly(new RequestOutcome.Done(retried.id()));
        Batch reopened = batch(b.id());
        assertThat(reopened.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(reopened.completedAt()).isNull();
        assertThat(reopened.finalizingAt()).isNull();
        assertThat(reopened.counts()).isEqualTo(counts(3, 1, 0, 2, 0, 0));
        BatchRequest third = start(claim(d, M, 1).getFirst());
        assertThat(third.id()).isEqualTo(retried.id());
        assertThat(((RequestState.Processing) third.state()).retryAttempt()).isZero();
        complete(third);
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 3, 0, 0));
    }

    @Test
    @Rule("BS-7.3")
    default void retryRefusedPerId() {
        DaemonId d = liveDaemon();
        Batch cancelled = newBatch(2, M);
        BatchRequest failedInCancelled = processing(d, M, 1).getFirst();
        fail(failedInCancelled);
        storage().cancelBatch(cancelled.id());
        Batch failedBatch = newBatch(2, M2);
        BatchRequest failedInFailed = processing(d, M2, 1).getFirst();
        fail(failedInFailed);
        storage().markBatchFailed(failedBatch.id(), "batch failed");
        newBatch(1, "model-c");
        assertThat(storage().createEscalatedRequests("model-c", Duration.ofHours(25), EnumSet.of(
                RequestStateKind.PENDING), FAST, null)).isEqualTo(1);
        BatchRequest copy = processing(d, FAST, 1).getFirst();
        assertThat(copy.data().isEscalated()).isTrue();
        fail(copy);

        assertThat(storage().retryFailedRequests(List.of(failedInCancelled.id(), failedInFailed.id(), copy.id())))
                .containsExactly(
                        new RequestOutcome.NotApplicable(failedInCancelled.id(), RequestStateKind.FAILED),
                        new RequestOutcome.NotApplicable(failedInFailed.id(), RequestStateKind.FAILED),
                        new RequestOutcome.NotApplicable(copy.id(), RequestStateKind.FAILED));
        assertThat(kindOf(failedInCancelled.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(batch(cancelled.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(batch(failedBatch.id()).status()).isEqualTo(OpenAiBatchStatus.FAILED);
    }

    @Test
    @Rule("BS-7.4")
    default void retryForBatchReopens() {
        Batch b = newBatch(4, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> running = processing(d, M, 4);
        complete(running.get(0));
        complete(running.get(1));
        fail(running.get(2));
        fail(running.get(3));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);

        assertThat(storage().retryFailedRequestsForBatch(b.id())).isEqualTo(2);

        Batch reopened = batch(b.id());
        assertThat(reopened.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(reopened.completedAt()).isNull();
        assertThat(reopened.finalizingAt()).isNull();
        assertThat(reopened.counts()).isEqualTo(counts(4, 2, 0, 2, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(stateOf(running.get(2).id())).isEqualTo(RequestState.Pending.fresh());
        assertThat(storage().getFile(b.outputFileId()).sizeFinalized()).isFalse();

        completeAll(d, M, 2);
        Batch again = batch(b.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(again.counts()).isEqualTo(counts(4, 0, 0, 4, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactlyInAnyOrderElementsOf(ids(running));
    }

    @Test
    @Rule("BS-7.5")
    default void retryForBatchRefused() {
        DaemonId d = liveDaemon();
        Batch cancelled = newBatch(2, M);
        BatchRequest f1 = processing(d, M, 1).getFirst();
        fail(f1);
        storage().cancelBatch(cancelled.id());
        Batch failed = newBatch(2, M2);
        BatchRequest f2 = processing(d, M2, 1).getFirst();
        fail(f2);
        storage().markBatchFailed(failed.id(), "batch failed");
        Batch deleted = newBatch(2, "model-c");
        BatchRequest f3 = processing(d, "model-c", 1).getFirst();
        fail(f3);
        storage().deleteBatch(deleted.id());

        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(cancelled.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(failed.id()));
        // docs: refused for deleted batches; the port names InvalidState, while deleted batches are NotFound to reads
        assertThat(catchThrowable(() -> storage().retryFailedRequestsForBatch(deleted.id())))
                .isInstanceOfAny(BatchStorageException.InvalidState.class, BatchStorageException.NotFound.class);
        thrown(BatchStorageException.NotFound.class, () -> storage().retryFailedRequestsForBatch(BatchId.generate()));

        assertThat(kindOf(f1.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(kindOf(f2.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(batch(cancelled.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(batch(failed.id()).status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(claim(d, 10, Map.of(M, 10, M2, 10, "model-c", 10))).isEmpty();
    }

    @Test
    @Rule("BS-7.6")
    default void retryForBatchNothingToDo() {
        Batch b = newBatch(2, M);
        completeAll(liveDaemon(), M, 2);
        Batch before = batch(b.id());

        assertThat(storage().retryFailedRequestsForBatch(b.id())).isZero();

        assertThat(batch(b.id())).isEqualTo(before);
        assertThat(before.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
    }
}
