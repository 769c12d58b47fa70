package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RacingPair;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestStateKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Batch-level transitions: the finalization rule applied after every change, cancel, delete, retry,
 * expiry and the notification poller. Each method runs with the store's lock held and records its
 * changes in the given {@link Tx}; every check comes before the first change.
 */
final class Lifecycle {

    private Lifecycle() {
    }

    /**
     * The finalization rule, applied after every change to a batch's requests so that the write that
     * finishes the last template also finishes the batch: a cancelling batch with nothing in flight is
     * cancelled; a running batch whose templates are all settled completes.
     */
    static void settle(Tx tx, BatchEntry batch, long now) {
        switch (BatchLifecycle.settle(batch.settleFacts())) {
            case CANCELLED -> tx.apply(batch, new Effect.Stamp(Effect.StampField.CANCELLED, now));
            case COMPLETED -> {
                if (batch.finalizingAt == Nanos.NONE) {
                    tx.apply(batch, new Effect.Stamp(Effect.StampField.FINALIZING, now));
                }
                tx.apply(batch, new Effect.Stamp(Effect.StampField.COMPLETED, now));
            }
            case STAY -> { }
        }
    }

    /** A batch with requests running again must finalize (and notify) again. */
    static void reopen(Tx tx, BatchEntry batch) {
        if (batch.completedAt != Nanos.NONE || batch.finalizingAt != Nanos.NONE || batch.notifiedAt != Nanos.NONE) {
            tx.apply(batch, new Effect.Reopen());
        }
    }

    /** Stops claims at once; cancelled now if nothing is in flight, else when the last in-flight request lands. */
    static void cancel(Tx tx, BatchEntry batch, long now) {
        tx.apply(batch, new Effect.Stamp(Effect.StampField.CANCELLING, now));
        settle(tx, batch, now);
    }

    static void delete(Tx tx, BatchEntry batch, long now) {
        if (BatchLifecycle.deleteCancelsFirst(batch.stamps())) {
            cancel(tx, batch, now);
        }
        tx.apply(batch, new Effect.Deleted(now));
    }

    /** Batches reading a deleted file are cancelled if still running and lose their link to it. */
    static void detachInput(Tx tx, StoreState state, FileId fileId, long now) {
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (!batch.inputLinked || !batch.inputFileId.equals(fileId)) {
                continue;
            }
            if (!batch.deleted() && !batch.hasTerminalStamp() && !batch.cancelling()) {
                cancel(tx, batch, now);
            }
            tx.apply(batch, new Effect.Unlink(Effect.Link.INPUT));
        }
    }

    static List<RequestOutcome> cancelRequests(Tx tx, StoreState state, List<RequestId> ids, long now) {
        List<RequestOutcome> outcomes = new ArrayList<>(ids.size());
        Set<BatchEntry> touched = new LinkedHashSet<>();
        for (RequestId id : ids) {
            StoreState.Located located = state.locate(id);
            if (located == null) {
                outcomes.add(new RequestOutcome.NotFound(id));
                continue;
            }
            RequestStateKind current = located.table().kind(located.ordinal());
            if (current.terminal()) {
                outcomes.add(new RequestOutcome.NotApplicable(id, current));
                continue;
            }
            RequestTable table = located.table();
            int ordinal = located.ordinal();
            int twin = table.twin(ordinal);
            // Cancelling a template's work cancels its racing copy too (RacingPair).
            int[] cancelled = twin >= 0 && RacingPair.cancelReachesCopy(!table.isCopy(ordinal), table.kind(twin))
                    ? new int[] {ordinal, twin} : new int[] {ordinal};
            tx.apply(located.batch(), new Effect.Cancel(now, cancelled));
            touched.add(located.batch());
            outcomes.add(new RequestOutcome.Done(id));
        }
        for (BatchEntry batch : touched) {
            settle(tx, batch, now);
        }
        return outcomes;
    }

    private static boolean refusesRetry(BatchEntry batch) {
        return !BatchLifecycle.RETRIES.test(batch.stamps());
    }

    static List<RequestOutcome> retryRequests(Tx tx, StoreState state, List<RequestId> ids) {
        List<RequestOutcome> outcomes = new ArrayList<>(ids.size());
        Map<BatchEntry, Boolean> retried = new LinkedHashMap<>();
        Set<RequestId> done = new HashSet<>();
        for (RequestId id : ids) {
            StoreState.Located located = state.locate(id);
            if (located == null) {
                outcomes.add(new RequestOutcome.NotFound(id));
                continue;
            }
            if (done.contains(id)) {
                outcomes.add(new RequestOutcome.Done(id)); // listed twice: the first mention retried it
                continue;
            }
            BatchEntry batch = located.batch();
            RequestStateKind current = located.table().kind(located.ordinal());
            if (current != RequestStateKind.FAILED || located.table().isCopy(located.ordinal()) || refusesRetry(batch)) {
                outcomes.add(new RequestOutcome.NotApplicable(id, current));
                continue;
            }
            done.add(id);
            retried.put(batch, Boolean.TRUE);
            tx.apply(batch, new Effect.Reset(new int[] {located.ordinal()}, true));
            outcomes.add(new RequestOutcome.Done(id));
        }
        for (BatchEntry batch : retried.keySet()) {
            reopen(tx, batch);
        }
        return outcomes;
    }

    static long retryBatch(Tx tx, StoreState state, BatchId batchId) {
        BatchEntry batch = state.visibleBatch(batchId);
        if (refusesRetry(batch)) {
            throw new BatchStorageException.InvalidState("batch " + batchId + " is " + batch.view().status().wire()
                    + "; its requests cannot be retried");
        }
        if (!batch.populated()) {
            return 0;
        }
        state.ensureTable(batch);
        long failed = batch.table.countFailedOriginals();
        if (failed > 0) {
            tx.apply(batch, new Effect.RetryAllFailed());
            reopen(tx, batch);
        }
        return failed;
    }

    /** The sweep: completes, cancels and expires what the inline rule could not (deadlines pass without writes). */
    static List<BatchId> finalizeBatches(Tx tx, StoreState state, long now, int limit) {
        List<BatchId> finished = new ArrayList<>();
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (finished.size() >= limit) {
                break;
            }
            if (batch.deleted() || batch.hasTerminalStamp()) {
                continue;
            }
            if (batch.populated() || batch.cancelling()) {
                settle(tx, batch, now);
            }
            if (BatchLifecycle.expires(batch.stamps(), Nanos.toInstant(batch.expiresAt), Nanos.toInstant(now))) {
                tx.apply(batch, new Effect.Expire(now));
            }
            if (batch.hasTerminalStamp()) {
                finished.add(batch.id);
            }
        }
        return finished;
    }

    /** Completed, failed or expired batches not notified yet (cancelled ones never are), each handed out once. */
    static List<BatchNotification> pollCompleted(Tx tx, StoreState state, long now, int limit) {
        List<BatchNotification> notifications = new ArrayList<>();
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (notifications.size() >= limit) {
                break;
            }
            boolean finished = batch.completedAt != Nanos.NONE || batch.failedAt != Nanos.NONE || batch.expiredAt != Nanos.NONE;
            if (!finished || batch.deleted() || batch.notifiedAt != Nanos.NONE || batch.cancelling()
                    || batch.cancelledAt != Nanos.NONE) {
                continue;
            }
            tx.apply(batch, new Effect.Stamp(Effect.StampField.NOTIFIED, now));
            FileEntry input = batch.fileId() == null ? null : state.files.get(batch.fileId());
            notifications.add(new BatchNotification(batch.view(), new ArrayList<>(new TreeSet<>(batch.models)),
                    input == null ? null : input.name, input == null ? null : input.description));
        }
        return notifications;
    }
}
