package dev.salvo.core.batch;

import java.util.Optional;

/**
 * Which state writes {@link BatchStorage#persist} applies when writers race — one rule for every
 * adapter, adopted from fusillade's production fixes:
 * <ul>
 *   <li>completed, failed and superseded are final: later writes are dropped ("first terminal result
 *       wins"), except that a failed request may still be superseded by its racing twin;</li>
 *   <li>a late completed or failed result replaces canceled (the work was done; keep it);</li>
 *   <li>claimed, processing and pending never resurrect a terminal request, and canceled never
 *       overwrites a result;</li>
 *   <li>only an explicit retry ({@link BatchStorage#retryFailedRequests}) moves failed back to pending;</li>
 *   <li>a claim holder's write is <em>fenced</em> ({@link #verdict}): while the request is live it
 *       applies only if the request is still held under the writer's {@link ClaimToken}.</li>
 * </ul>
 * SQL adapters derive their compare-and-set conditions from {@link #applies} and {@link #FENCED_STATES}.
 */
public final class PersistGuard {

    /**
     * The states in which a holder's write must match the current claim: the live ones. A pending
     * request is held by nobody, so a holder's write onto it is always fenced; a terminal request is
     * decided by {@link #applies} alone (a holder's late result may still replace canceled).
     */
    public static final java.util.Set<RequestStateKind> FENCED_STATES =
            java.util.Set.copyOf(java.util.EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED, RequestStateKind.PROCESSING));

    private PersistGuard() {
    }

    /** Whether a write moving a request from {@code current} to {@code next} applies, fencing aside. */
    public static boolean applies(RequestStateKind current, RequestStateKind next) {
        return switch (current) {
            case PENDING, CLAIMED, PROCESSING -> true;
            case CANCELED -> next == RequestStateKind.COMPLETED || next == RequestStateKind.FAILED;
            case FAILED -> next == RequestStateKind.SUPERSEDED;
            case COMPLETED, SUPERSEDED -> false;
        };
    }

    /** What a store does with a write. */
    public enum Verdict {
        APPLY, DROP, FENCE;

        /** The port's answer for a verdict other than {@link #APPLY}. */
        public PersistResult refusal(RequestStateKind current) {
            return switch (this) {
                case DROP -> new PersistResult.Dropped(current);
                case FENCE -> new PersistResult.Fenced(current);
                case APPLY -> throw new IllegalStateException("an applied write is not a refusal");
            };
        }
    }

    /**
     * The whole decision for a write of {@code next} onto a request in {@code current}, made by
     * {@code writer} (empty for a write by no claim holder). A holder's write onto a live request applies
     * only if the request is held under that claim, and is {@link Verdict#FENCE fenced} otherwise;
     * everything else is {@link #applies}.
     */
    public static Verdict verdict(RequestState current, RequestStateKind next, Optional<ClaimToken> writer) {
        return verdict(current.kind(), ClaimToken.of(current), next, writer);
    }

    /** {@link #verdict(RequestState, RequestStateKind, Optional)} for stores that keep the kind and claim apart. */
    public static Verdict verdict(RequestStateKind current, Optional<ClaimToken> currentClaim, RequestStateKind next,
                                  Optional<ClaimToken> writer) {
        if (writer.isPresent() && FENCED_STATES.contains(current) && !writer.equals(currentClaim)) {
            return Verdict.FENCE;
        }
        return applies(current, next) ? Verdict.APPLY : Verdict.DROP;
    }
}
