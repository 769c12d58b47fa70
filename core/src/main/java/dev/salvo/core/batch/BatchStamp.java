package dev.salvo.core.batch;

/**
 * The timestamps that mark a batch's progress, each set at most once (retry clears finalizing and
 * completed to reopen a batch). Every batch-level rule in {@link BatchLifecycle} is a condition on which
 * of them are set, so an adapter that keeps them as columns can render a rule as SQL without restating it.
 */
public enum BatchStamp {
    /** Its requests exist (population done): {@code in_progress_at}. */
    IN_PROGRESS,
    FINALIZING,
    COMPLETED,
    FAILED,
    EXPIRED,
    /** Cancellation requested: claims stop; in-flight calls still land. */
    CANCELLING,
    CANCELLED,
    /** Soft-deleted: invisible to every read, purged later. */
    DELETED
}
