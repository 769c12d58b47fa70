package dev.salvo.core.batch;

/**
 * Which state writes {@link BatchStorage#persist} applies when writers race — one rule for every
 * adapter, adopted from fusillade's production fixes:
 * <ul>
 *   <li>completed, failed and superseded are final: later writes are dropped ("first terminal result
 *       wins"), except that a failed request may still be superseded by its racing twin;</li>
 *   <li>a late completed or failed result replaces canceled (the work was done; keep it);</li>
 *   <li>claimed, processing and pending never resurrect a terminal request, and canceled never
 *       overwrites a result;</li>
 *   <li>only an explicit retry ({@link BatchStorage#retryFailedRequests}) moves failed back to pending.</li>
 * </ul>
 */
public final class PersistGuard {

    private PersistGuard() {
    }

    public static boolean applies(RequestStateKind current, RequestStateKind next) {
        return switch (current) {
            case PENDING, CLAIMED, PROCESSING -> true;
            case CANCELED -> next == RequestStateKind.COMPLETED || next == RequestStateKind.FAILED;
            case FAILED -> next == RequestStateKind.SUPERSEDED;
            case COMPLETED, SUPERSEDED -> false;
        };
    }
}
