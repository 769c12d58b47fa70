package dev.salvo.core.batch;

import java.util.EnumSet;
import java.util.Set;

/**
 * The rules of a racing escalated pair — an original and the copy {@code createEscalatedRequests} made to
 * race it near the deadline. One template has exactly one result: whichever of the two completes first.
 * Every adapter asks these functions; none restates them.
 */
public final class RacingPair {

    /**
     * What the winner's completion supersedes: a twin that has not produced the template's result —
     * live, failed, or canceled (a canceled original whose copy still completed is done after all, and
     * counts as completed through its copy).
     */
    public static final Set<RequestStateKind> SUPERSEDABLE = Set.copyOf(EnumSet.of(RequestStateKind.PENDING,
            RequestStateKind.CLAIMED, RequestStateKind.PROCESSING, RequestStateKind.FAILED, RequestStateKind.CANCELED));

    private RacingPair() {
    }

    /** Whether the winner's completion supersedes a twin in {@code twin}. */
    public static boolean supersedes(RequestStateKind twin) {
        return SUPERSEDABLE.contains(twin);
    }

    /**
     * Whether a result written to one of a pair is dropped because its twin already completed: once the
     * template has its output line, neither a second output line nor an error line is added for it.
     */
    public static boolean resultDropped(RequestStateKind next, RequestStateKind twin) {
        return (next == RequestStateKind.COMPLETED || next == RequestStateKind.FAILED) && twin == RequestStateKind.COMPLETED;
    }

    /**
     * Whether cancelling an original also cancels its copy in {@code copy}: cancelling a template's work
     * cancels all of it, so a live copy is cancelled with its original. Cancelling a copy leaves its
     * original alone (the copy is only a helper).
     */
    public static boolean cancelReachesCopy(boolean cancelledIsOriginal, RequestStateKind copy) {
        return cancelledIsOriginal && !copy.terminal();
    }
}
