package dev.salvo.core.batch;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's side of the batch port: claiming requests, recording what became of them (every write of
 * a claim holder fenced by its {@link ClaimToken}), recovering the claims of dead daemons, and racing
 * escalation. What the batch daemon calls for each request it executes.
 */
public interface RequestQueue {

    /** Those of the given batches that are being (or were) cancelled or deleted: their calls must stop. */
    Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids);

    /**
     * Claims pending requests for a daemon in one atomic step: only of running batches, only when
     * {@code notBefore} has passed, per model no more than its capacity, no more than the limit in total,
     * batches served in {@link ClaimScoring} order. No request is ever claimed by two daemons.
     */
    List<BatchRequest> claimRequests(ClaimRequest claim);

    /**
     * Writes a request's new state, subject to {@link PersistGuard#verdict}. A claim holder presents its
     * {@link ClaimToken} as {@code writer}: while the request is live the write applies only if it is
     * still held under that claim, and is {@link PersistResult.Fenced} otherwise (it changes nothing).
     * When a request of a racing escalated pair completes, its twin becomes superseded and is named in the
     * result; a result arriving after the twin completed is dropped ({@link RacingPair}). When the last
     * request of a batch becomes terminal the batch is finalized in the same step.
     *
     * @param writer the claim the writer holds; empty for a write by no claim holder
     * @throws BatchStorageException.NotFound if the request does not exist
     */
    PersistResult persist(BatchRequest request, Optional<ClaimToken> writer);

    /**
     * The seed's unfenced write: {@link #persist(BatchRequest, Optional)} by no claim holder — for tools
     * and tests that hold no claim. A daemon writing about a request it claimed uses the fenced form.
     */
    default PersistResult persist(BatchRequest request) {
        return persist(request, Optional.empty());
    }

    /**
     * Schedules a retry — only if the request is still processing under {@code holder}'s claim (fenced:
     * a worker whose claim was taken over cannot move the request).
     *
     * @return whether the request was rescheduled (false, changing nothing, for an unknown request too)
     */
    boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next);

    /**
     * Returns claimed or processing requests of daemons that are dead, unknown, or silent for longer than
     * {@code staleDaemonThreshold} to pending, keeping their attempt count. A live daemon's requests are
     * never taken, however long they run. @return how many were returned
     */
    long reclaimStaleRequests(Duration staleDaemonThreshold, int limit);

    /**
     * For each request of {@code model} in {@code states} whose running batch is at risk (deadline within
     * {@code threshold}) and that has no escalated copy yet, creates a pending copy racing it — routed to
     * {@code modelOverride} (or the same model) and using {@code apiKeyOverride} (or the same key). Copies
     * are invisible to batch counts. @return how many copies were created
     */
    long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                 String apiKeyOverride);

    /** The escalated copy racing {@code originalRequestId}, if it exists and is not terminal. */
    Optional<RequestId> findPendingEscalation(RequestId originalRequestId);
}
