package dev.salvo.core.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The batch-level rules every adapter applies — when a batch settles, what may be retried, cancelled or
 * expired, how long an upload lives — written once. Adapters describe a batch by its {@link BatchStamp}s
 * and what they can count, and do what the answer says; the PostgreSQL adapter renders the
 * {@link StampRule}s as SQL conditions instead of restating them.
 */
public final class BatchLifecycle {

    /** How long an uploaded file lives when the upload names no {@code expires_after}: 30 days, as OpenAI. */
    public static final Duration DEFAULT_FILE_LIFETIME = Duration.ofDays(30);

    /** A condition on a batch's stamps: every stamp of {@code set} is set and none of {@code unset}. */
    public record StampRule(Set<BatchStamp> set, Set<BatchStamp> unset) {
        public StampRule {
            set = Set.copyOf(set);
            unset = Set.copyOf(unset);
        }

        /** Plain loops: adapters ask this under their store lock on every write. */
        public boolean test(Set<BatchStamp> stamps) {
            for (BatchStamp stamp : set) {
                if (!stamps.contains(stamp)) {
                    return false;
                }
            }
            for (BatchStamp stamp : unset) {
                if (stamps.contains(stamp)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The stamps that end a batch: once one is set the batch never changes status again (until a retry reopens a completed one). */
    public static final Set<BatchStamp> TERMINAL = Set.copyOf(EnumSet.of(BatchStamp.COMPLETED, BatchStamp.FAILED,
            BatchStamp.CANCELLED, BatchStamp.EXPIRED));

    /** Not yet terminal: a write may still settle it (deleted batches too: a delete's cancel must end). */
    public static final StampRule UNFINISHED = new StampRule(Set.of(), TERMINAL);

    /**
     * Running: its requests may be claimed, escalated and expired. Populated, and not cancelling, deleted
     * or terminal.
     */
    public static final StampRule RUNNING = new StampRule(Set.of(BatchStamp.IN_PROGRESS), EnumSet.of(BatchStamp.CANCELLING,
            BatchStamp.DELETED, BatchStamp.COMPLETED, BatchStamp.FAILED, BatchStamp.CANCELLED, BatchStamp.EXPIRED));

    /**
     * Failed requests may be retried (and a completed batch reopened): not deleted, not cancelling or
     * cancelled, not expired, not failed as a batch.
     */
    public static final StampRule RETRIES = new StampRule(Set.of(), EnumSet.of(BatchStamp.DELETED, BatchStamp.CANCELLING,
            BatchStamp.CANCELLED, BatchStamp.EXPIRED, BatchStamp.FAILED));

    private BatchLifecycle() {
    }

    /**
     * What an adapter can tell about a batch when it settles it. The two questions that may cost a
     * query are suppliers, asked only if the rule gets to them.
     *
     * @param total             templates in the batch (its original requests)
     * @param finishedOriginals originals that are terminal (completed, failed, canceled or superseded)
     * @param anyInFlight       whether any request (original or copy) is claimed or processing
     * @param anyLiveCopy       whether an escalated copy is still live while its original is terminal: it may still win its template
     */
    public record SettleFacts(Set<BatchStamp> stamps, long total, long finishedOriginals, BooleanSupplier anyInFlight,
                              BooleanSupplier anyLiveCopy) {
    }

    /** The batch-level transition a settle makes. */
    public enum Settlement {
        /** Nothing to do yet. */
        STAY,
        /** A cancelling batch with nothing in flight any more: stamp cancelled. */
        CANCELLED,
        /** Every template has its result and no copy can still win one: stamp finalizing (if unset) and completed. */
        COMPLETED
    }

    /**
     * The finalization rule, applied after every change to a batch's requests (so the write that finishes
     * the last template also finishes the batch) and by the finalizer sweep.
     */
    public static Settlement settle(SettleFacts batch) {
        Set<BatchStamp> stamps = batch.stamps();
        if (!UNFINISHED.test(stamps)) {
            return Settlement.STAY;
        }
        if (stamps.contains(BatchStamp.CANCELLING)) {
            return batch.anyInFlight().getAsBoolean() ? Settlement.STAY : Settlement.CANCELLED;
        }
        if (stamps.contains(BatchStamp.IN_PROGRESS) && batch.total() > 0 && batch.finishedOriginals() >= batch.total()
                && !batch.anyLiveCopy().getAsBoolean()) {
            return Settlement.COMPLETED;
        }
        return Settlement.STAY;
    }

    /** What {@link BatchStorage#cancelBatch} does with a batch. */
    public enum CancelDecision {
        /** Stamp cancelling (then settle: cancelled at once if nothing is in flight). */
        CANCEL,
        /** Already cancelling or cancelled: nothing changes. */
        ALREADY_CANCELLING,
        /** Completed, failed or expired: refused ({@link BatchStorageException.InvalidState}). */
        REFUSE
    }

    /** Cancel eligibility. A deleted batch is not found before this is asked. */
    public static CancelDecision cancel(Set<BatchStamp> stamps) {
        if (stamps.contains(BatchStamp.COMPLETED) || stamps.contains(BatchStamp.FAILED) || stamps.contains(BatchStamp.EXPIRED)) {
            return CancelDecision.REFUSE;
        }
        return stamps.contains(BatchStamp.CANCELLING) || stamps.contains(BatchStamp.CANCELLED)
                ? CancelDecision.ALREADY_CANCELLING : CancelDecision.CANCEL;
    }

    /** Whether deleting a batch must cancel it first: it is neither terminal nor already cancelling. */
    public static boolean deleteCancelsFirst(Set<BatchStamp> stamps) {
        return cancel(stamps) == CancelDecision.CANCEL;
    }

    /** Whether the finalizer expires the batch now: it is running and its deadline has passed. */
    public static boolean expires(Set<BatchStamp> stamps, Instant deadline, Instant now) {
        return RUNNING.test(stamps) && !now.isBefore(deadline);
    }

    /**
     * Whether a file whose lifetime ends at {@code expiresAt} (null: never) reads as expired at {@code now}:
     * from that instant on, inclusive. Derived on read; nothing is written when a file expires.
     */
    public static boolean fileExpired(Instant expiresAt, Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** When an upload made at {@code createdAt} expires: after {@code expiresAfterSeconds}, or {@link #DEFAULT_FILE_LIFETIME}. */
    public static Instant fileExpiresAt(Instant createdAt, Long expiresAfterSeconds) {
        return createdAt.plus(expiresAfterSeconds == null ? DEFAULT_FILE_LIFETIME : Duration.ofSeconds(expiresAfterSeconds));
    }
}
