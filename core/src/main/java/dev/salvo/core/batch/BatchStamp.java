package dev.salvo.core.batch;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

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
    DELETED;

    /** The stamps for which {@code isSet} holds: how an adapter reads its own timestamps into the domain's terms. */
    public static Set<BatchStamp> where(Predicate<BatchStamp> isSet) {
        Set<BatchStamp> stamps = EnumSet.noneOf(BatchStamp.class);
        for (BatchStamp stamp : values()) {
            if (isSet.test(stamp)) {
                stamps.add(stamp);
            }
        }
        return stamps;
    }
}
