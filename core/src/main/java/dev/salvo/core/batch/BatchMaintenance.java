package dev.salvo.core.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The batch port's background duties and the views of what waits: closing and expiring batches,
 * announcing finished ones, and the SLA reads (batches at risk or past their deadline, pending demand per
 * model) that the daemon's sweeps and {@code /metrics} use.
 */
public interface BatchMaintenance {

    /**
     * Demand per model and deadline bucket: requests in {@code states} of running batches whose deadline
     * is within each window from now. {@code models} empty = all. {@code strict} asks for a read from the
     * primary where an adapter has replicas.
     */
    Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                        Set<String> models, boolean strict);

    /** Running batches whose deadline is within {@code threshold} and not yet passed, with how many requests in {@code states} each has. */
    Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states);

    /** Running batches whose deadline has passed, with how many requests in {@code states} each has. */
    Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states);

    /**
     * The finalizer sweep: completes batches whose requests are all terminal, marks cancelling batches
     * cancelled once nothing is in flight, and expires batches past their deadline (unfinished requests
     * fail with {@link FailureReason.BatchExpired}). Idempotent; safe on several replicas at once.
     *
     * @return the batches this call made terminal
     */
    List<BatchId> finalizeBatches(int limit);

    /** Batches that became completed, failed or expired and were not yet notified — each returned once across all callers. */
    List<BatchNotification> pollCompletedBatches(int limit);

    /**
     * Hard-deletes up to {@code batchSize} requests of soft-deleted batches and up to {@code batchSize}
     * templates of soft-deleted files. Safe to run on several replicas at once. (The seed has it on the
     * daemon registry; it purges batch rows, so it lives here.) @return rows deleted
     */
    long purgeOrphanedRows(int batchSize);
}
