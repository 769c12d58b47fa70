package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.RequestState;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Batch counters and batch completion.
 *
 * <p>Every transaction that moves a request to or from a terminal state ends with {@link #settle}: one
 * UPDATE of the batch row applies the counter deltas and, because it locks that row, serialises the
 * "was that the last request?" decision among concurrent writers of the same batch. The decision is
 * then made by later statements of the same transaction, which (READ COMMITTED) see everything the
 * previous lock holders committed. Locks are always taken requests first, batch row last.
 */
final class BatchFinalizer {

    private static final Batches B = BATCHES;
    private static final Requests R = REQUESTS;

    /** What {@link #closeIfDone} needs from the locked batch row. */
    private static final List<Field<?>> STATE_FIELDS = List.of(B.ID, B.IN_PROGRESS_AT, B.COMPLETED_AT, B.FAILED_AT,
            B.CANCELLED_AT, B.EXPIRED_AT, B.CANCELLING_AT, B.TOTAL_REQUESTS, B.COMPLETED_COUNT, B.FAILED_COUNT,
            B.CANCELED_COUNT);

    private final Sql sql;

    BatchFinalizer(Sql sql) {
        this.sql = sql;
    }

    // ------------------------------------------------------------------ inside a writer's transaction

    /**
     * Applies {@code delta} to the batch and closes the batch if nothing is left to do. Must be the last
     * lock the transaction takes. @return whether the batch became terminal
     */
    boolean settle(DSLContext tx, UUID batchId, CounterDelta delta, Instant now) {
        Record row = lockWith(tx, batchId, delta);
        return row != null && closeIfDone(tx, row, now);
    }

    /** Applies {@code delta} without trying to close the batch (a retry reopens it instead). */
    Record lockWith(DSLContext tx, UUID batchId, CounterDelta delta) {
        if (delta.isZero()) {
            return tx.select(STATE_FIELDS).from(B).where(B.ID.eq(batchId)).forNoKeyUpdate().fetchOne();
        }
        return tx.update(B)
                .set(B.COMPLETED_COUNT, B.COMPLETED_COUNT.plus(delta.completed()))
                .set(B.FAILED_COUNT, B.FAILED_COUNT.plus(delta.failed()))
                .set(B.CANCELED_COUNT, B.CANCELED_COUNT.plus(delta.canceled()))
                .set(B.OUTPUT_LINES, B.OUTPUT_LINES.plus(delta.outputLines()))
                .set(B.OUTPUT_BYTES, B.OUTPUT_BYTES.plus(delta.outputBytes()))
                .set(B.ERROR_LINES, B.ERROR_LINES.plus(delta.errorLines()))
                .set(B.ERROR_BYTES, B.ERROR_BYTES.plus(delta.errorBytes()))
                .where(B.ID.eq(batchId))
                .returningResult(STATE_FIELDS)
                .fetchOne();
    }

    /**
     * Given the batch row as locked by this transaction: a cancelling batch with nothing in flight
     * becomes cancelled; a running batch whose originals are all terminal and that has no escalated copy
     * still racing becomes completed (finalizing and completed stamped together).
     */
    private boolean closeIfDone(DSLContext tx, Record b, Instant now) {
        if (b.get(B.COMPLETED_AT) != null || b.get(B.FAILED_AT) != null || b.get(B.CANCELLED_AT) != null
                || b.get(B.EXPIRED_AT) != null) {
            return false;
        }
        UUID id = b.get(B.ID);
        if (b.get(B.CANCELLING_AT) != null) {
            if (tx.fetchExists(R, R.BATCH_ID.eq(id).and(R.STATE.in(RequestStates.IN_FLIGHT)))) {
                return false;
            }
            return tx.update(B).set(B.CANCELLED_AT, now).where(B.ID.eq(id)).and(B.CANCELLED_AT.isNull()).execute() == 1;
        }
        if (b.get(B.IN_PROGRESS_AT) == null
                || b.get(B.COMPLETED_COUNT) + b.get(B.FAILED_COUNT) + b.get(B.CANCELED_COUNT) < b.get(B.TOTAL_REQUESTS)) {
            return false;
        }
        if (tx.fetchExists(R, R.BATCH_ID.eq(id).and(R.ESCALATED_FROM.isNotNull()).and(R.STATE.in(RequestStates.LIVE)))) {
            return false;
        }
        return tx.update(B)
                .set(B.FINALIZING_AT, DSL.coalesce(B.FINALIZING_AT, DSL.val(now)))
                .set(B.COMPLETED_AT, now)
                .where(B.ID.eq(id)).and(B.COMPLETED_AT.isNull())
                .execute() == 1;
    }

    // ------------------------------------------------------------------ the sweep

    /**
     * Expires running batches past their deadline, then closes batches whose last write raced (or that
     * were cancelled with work in flight). Each batch is its own transaction; replicas running the sweep
     * at once serialise on the batch row, and a batch already closed is skipped.
     */
    List<BatchId> finalizeBatches(int limit) {
        Instant now = sql.now();
        List<BatchId> closed = new ArrayList<>();
        if (limit <= 0) {
            return closed;
        }
        List<UUID> expiring = sql.read("find expired batches", () -> sql.dsl()
                .select(B.ID).from(B)
                .where(BatchRows.running(B)).and(B.EXPIRES_AT.le(now))
                .orderBy(B.EXPIRES_AT, B.ID)
                .limit(limit)
                .fetch(B.ID));
        for (UUID id : expiring) {
            if (sql.transaction("expire batch " + id, tx -> expire(tx, id, now))) {
                closed.add(new BatchId(id));
            }
        }
        int room = limit - closed.size();
        if (room <= 0) {
            return closed;
        }
        Requests inFlight = R.as("in_flight");
        Requests liveCopy = R.as("live_copy");
        Condition cancellable = B.CANCELLING_AT.isNotNull().andNotExists(DSL.selectOne().from(inFlight)
                .where(inFlight.BATCH_ID.eq(B.ID)).and(inFlight.STATE.in(RequestStates.IN_FLIGHT)));
        Condition completable = B.CANCELLING_AT.isNull().and(B.IN_PROGRESS_AT.isNotNull())
                .and(B.COMPLETED_COUNT.plus(B.FAILED_COUNT).plus(B.CANCELED_COUNT).ge(B.TOTAL_REQUESTS))
                .andNotExists(DSL.selectOne().from(liveCopy).where(liveCopy.BATCH_ID.eq(B.ID))
                        .and(liveCopy.ESCALATED_FROM.isNotNull()).and(liveCopy.STATE.in(RequestStates.LIVE)));
        List<UUID> closable = sql.read("find batches to close", () -> sql.dsl()
                .select(B.ID).from(B)
                .where(BatchRows.unfinished(B)).and(cancellable.or(completable))
                .orderBy(B.ID)
                .limit(room)
                .fetch(B.ID));
        for (UUID id : closable) {
            if (sql.transaction("close batch " + id, tx -> settle(tx, id, CounterDelta.NONE, now))) {
                closed.add(new BatchId(id));
            }
        }
        return closed;
    }

    /**
     * Unfinished originals fail with {@link FailureReason.BatchExpired} and unfinished copies are
     * canceled (both locked in id order), then the batch row takes the counters and the expired stamp.
     * If no original was unfinished after all, the batch simply completes.
     */
    private boolean expire(DSLContext tx, UUID batchId, Instant now) {
        boolean stillRunning = tx.fetchExists(B, B.ID.eq(batchId).and(BatchRows.running(B)).and(B.EXPIRES_AT.le(now)));
        if (!stillRunning) {
            return false;
        }
        RequestState.Failed expired = new RequestState.Failed(new FailureReason.BatchExpired(), now, 0, null);
        Map<Field<?>, Object> failedColumns = RequestStates.columns(R, expired);
        failedColumns.remove(R.RETRY_ATTEMPT);
        int failed = tx.with(LockedRows.ids("expiring", lockedLive(batchId, true)))
                .update(R).set(failedColumns)
                .where(LockedRows.in(R.ID, "expiring"))
                .and(R.STATE.in(RequestStates.LIVE))
                .execute();
        tx.with(LockedRows.ids("orphaned_copies", lockedLive(batchId, false)))
                .update(R).set(RequestStates.columns(R, new RequestState.Canceled(now)))
                .where(LockedRows.in(R.ID, "orphaned_copies"))
                .and(R.STATE.in(RequestStates.LIVE))
                .execute();
        if (failed == 0) {
            return settle(tx, batchId, CounterDelta.NONE, now);
        }
        long messageBytes = RequestStates.resultSize(expired);
        CounterDelta delta = new CounterDelta(0, failed, 0, 0, 0, failed, failed * messageBytes);
        lockWith(tx, batchId, delta);
        int stamped = tx.update(B).set(B.EXPIRED_AT, now)
                .where(B.ID.eq(batchId)).and(BatchRows.running(B))
                .execute();
        if (stamped == 1) {
            return true;
        }
        // A cancel committed between the check and the batch lock: close the batch as cancelled instead.
        return settle(tx, batchId, CounterDelta.NONE, now);
    }

    /** The live requests of a batch (originals or copies), locked in id order like every other writer locks them. */
    private static Select<Record1<UUID>> lockedLive(UUID batchId, boolean originals) {
        Requests locked = R.as("locked");
        return DSL.select(locked.ID).from(locked)
                .where(locked.BATCH_ID.eq(batchId))
                .and(originals ? locked.ESCALATED_FROM.isNull() : locked.ESCALATED_FROM.isNotNull())
                .and(locked.STATE.in(RequestStates.LIVE))
                .orderBy(locked.ID)
                .forUpdate();
    }

    // ------------------------------------------------------------------ notifications

    /**
     * Marks up to {@code limit} finished (completed, failed or expired — not cancelled) batches as
     * notified in one statement; SKIP LOCKED lets replicas poll at once without handing out a batch twice.
     */
    List<BatchNotification> pollCompletedBatches(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Instant now = sql.now();
        Batches candidate = B.as("candidate");
        Condition finished = candidate.NOTIFIED_AT.isNull().and(candidate.DELETED_AT.isNull())
                .and(candidate.FAILED_AT.isNotNull().or(candidate.CANCELLED_AT.isNull()
                        .and(candidate.COMPLETED_AT.isNotNull().or(candidate.EXPIRED_AT.isNotNull()))));
        List<UUID> claimed = sql.read("poll completed batches", () -> sql.dsl()
                .with(LockedRows.ids("to_notify", DSL.select(candidate.ID).from(candidate).where(finished)
                        .orderBy(candidate.ID).limit(limit).forUpdate().skipLocked()))
                .update(B).set(B.NOTIFIED_AT, now)
                .where(LockedRows.in(B.ID, "to_notify"))
                .and(B.NOTIFIED_AT.isNull())
                .returningResult(B.ID)
                .fetch(B.ID));
        List<BatchNotification> notifications = new ArrayList<>();
        for (UUID id : claimed.stream().sorted().toList()) {
            notifications.add(notification(id));
        }
        return notifications;
    }

    private BatchNotification notification(UUID id) {
        return sql.read("load notified batch " + id, () -> {
            Record row = sql.dsl().select(BatchRows.FIELDS).select(FILES.NAME, FILES.DESCRIPTION)
                    .from(B).leftJoin(FILES).on(FILES.ID.eq(B.FILE_ID))
                    .where(B.ID.eq(id))
                    .fetchOne();
            Batch batch = BatchRows.batch(row);
            List<String> models = sql.dsl().selectDistinct(R.MODEL).from(R)
                    .where(R.BATCH_ID.eq(id)).and(R.ESCALATED_FROM.isNull())
                    .orderBy(R.MODEL)
                    .fetch(R.MODEL);
            return new BatchNotification(batch, models, row.get(FILES.NAME), row.get(FILES.DESCRIPTION));
        });
    }
}
