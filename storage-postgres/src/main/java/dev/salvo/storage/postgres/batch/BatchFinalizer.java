package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStamp;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.RequestState;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record;
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
    record BatchState(UUID id, boolean inProgress, boolean completed, boolean failed, boolean cancelled, boolean expired,
                      boolean cancelling, long total, long completedCount, long failedCount, long canceledCount) {

        static final String COLUMNS = "id, in_progress_at is not null, completed_at is not null, failed_at is not null,"
                + " cancelled_at is not null, expired_at is not null, cancelling_at is not null,"
                + " total_requests, completed_count, failed_count, canceled_count";

        Set<BatchStamp> stamps() {
            return BatchStamp.where(stamp -> switch (stamp) {
                case IN_PROGRESS -> inProgress;
                case COMPLETED -> completed;
                case FAILED -> failed;
                case CANCELLED -> cancelled;
                case EXPIRED -> expired;
                case CANCELLING -> cancelling;
                case FINALIZING, DELETED -> false; // not read with the row: no settle rule asks
            });
        }

        /** The counters answer from the locked row; the two existence questions are asked of the requests only if the rule gets to them. */
        BatchLifecycle.SettleFacts settleFacts(DSLContext tx) {
            return new BatchLifecycle.SettleFacts(stamps(), total, completedCount + failedCount + canceledCount,
                    () -> tx.fetchExists(R, R.BATCH_ID.eq(id).and(RequestStates.in(R.STATE, RequestStates.IN_FLIGHT))),
                    () -> tx.fetchExists(R, R.BATCH_ID.eq(id).and(R.ESCALATED_FROM.isNotNull())
                            .and(RequestStates.in(R.STATE, RequestStates.LIVE))));
        }

        static BatchState read(ResultSet rs) throws SQLException {
            return new BatchState(rs.getObject(1, UUID.class), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                    rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                    rs.getLong(11));
        }
    }

    /** Fixed statement texts (see {@link Sql#jdbc} for why these are plain JDBC). */
    private static final String LOCK_BATCH = "select " + BatchState.COLUMNS + "%s from batches where id = ? for no key update";
    private static final String ADD_COUNTS = "update batches set completed_count = completed_count + ?,"
            + " failed_count = failed_count + ?, canceled_count = canceled_count + ?, output_lines = output_lines + ?,"
            + " output_bytes = output_bytes + ?, error_lines = error_lines + ?, error_bytes = error_bytes + ?"
            + " where id = ? returning " + BatchState.COLUMNS + "%s";
    /** Which of the given requests are the original of an escalated copy (null if none). */
    private static final String COPIES_PROBE = ", (select array_agg(distinct c.escalated_from) from requests c"
            + " where c.escalated_from = any(?))";

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
        Locked locked = lock(tx, batchId, delta, null);
        return locked != null && closeIfDone(tx, locked.state(), now);
    }

    /**
     * {@link #settle}, and in the same statement (so in the same round trip) a probe: which of
     * {@code originals} have an escalated copy. If some do, the batch is left unclosed and they are
     * returned — the caller wrote them as if they had none and must roll back.
     */
    Set<UUID> settleUnlessCopied(DSLContext tx, UUID batchId, CounterDelta delta, Instant now, UUID[] originals) {
        Locked locked = lock(tx, batchId, delta, originals);
        if (locked == null) {
            return Set.of();
        }
        if (!locked.originalsWithCopies().isEmpty()) {
            return locked.originalsWithCopies();
        }
        closeIfDone(tx, locked.state(), now);
        return Set.of();
    }

    /** Applies {@code delta} without trying to close the batch (a retry reopens it instead). @return null if there is no such batch */
    BatchState lockWith(DSLContext tx, UUID batchId, CounterDelta delta) {
        Locked locked = lock(tx, batchId, delta, null);
        return locked == null ? null : locked.state();
    }

    private record Locked(BatchState state, Set<UUID> originalsWithCopies) {
    }

    private static Locked lock(DSLContext tx, UUID batchId, CounterDelta delta, UUID[] probe) {
        String probeSql = probe == null ? "" : COPIES_PROBE;
        return Sql.jdbc(tx, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    String.format(delta.isZero() ? LOCK_BATCH : ADD_COUNTS, probeSql))) {
                int i = 1;
                if (delta.isZero() && probe != null) {
                    statement.setArray(i++, connection.createArrayOf("uuid", probe));
                }
                if (!delta.isZero()) {
                    statement.setLong(i++, delta.completed());
                    statement.setLong(i++, delta.failed());
                    statement.setLong(i++, delta.canceled());
                    statement.setLong(i++, delta.outputLines());
                    statement.setLong(i++, delta.outputBytes());
                    statement.setLong(i++, delta.errorLines());
                    statement.setLong(i++, delta.errorBytes());
                }
                statement.setObject(i++, batchId);
                if (!delta.isZero() && probe != null) {
                    statement.setArray(i, connection.createArrayOf("uuid", probe));
                }
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Set<UUID> copied = Set.of();
                    if (probe != null) {
                        java.sql.Array found = rs.getArray(12);
                        if (found != null) {
                            copied = new HashSet<>();
                            for (Object id : (Object[]) found.getArray()) {
                                copied.add((UUID) id);
                            }
                        }
                    }
                    return new Locked(BatchState.read(rs), copied);
                }
            }
        });
    }

    /**
     * Given the batch row as locked by this transaction, {@link BatchLifecycle#settle}: a cancelling batch
     * with nothing in flight becomes cancelled; a running batch whose originals are all terminal and that
     * has no escalated copy still racing becomes completed (finalizing and completed stamped together).
     */
    private boolean closeIfDone(DSLContext tx, BatchState b, Instant now) {
        UUID id = b.id();
        return switch (BatchLifecycle.settle(b.settleFacts(tx))) {
            case STAY -> false;
            case CANCELLED -> tx.update(B).set(B.CANCELLED_AT, now).where(B.ID.eq(id)).and(B.CANCELLED_AT.isNull()).execute() == 1;
            case COMPLETED -> tx.update(B)
                    .set(B.FINALIZING_AT, DSL.coalesce(B.FINALIZING_AT, DSL.val(now)))
                    .set(B.COMPLETED_AT, now)
                    .where(B.ID.eq(id)).and(B.COMPLETED_AT.isNull())
                    .execute() == 1;
        };
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
                .where(inFlight.BATCH_ID.eq(B.ID)).and(RequestStates.in(inFlight.STATE, RequestStates.IN_FLIGHT)));
        Condition completable = B.CANCELLING_AT.isNull().and(B.IN_PROGRESS_AT.isNotNull())
                .and(B.COMPLETED_COUNT.plus(B.FAILED_COUNT).plus(B.CANCELED_COUNT).ge(B.TOTAL_REQUESTS))
                .andNotExists(DSL.selectOne().from(liveCopy).where(liveCopy.BATCH_ID.eq(B.ID))
                        .and(liveCopy.ESCALATED_FROM.isNotNull()).and(RequestStates.in(liveCopy.STATE, RequestStates.LIVE)));
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
                .and(RequestStates.in(R.STATE, RequestStates.LIVE))
                .execute();
        tx.with(LockedRows.ids("orphaned_copies", lockedLive(batchId, false)))
                .update(R).set(RequestStates.columns(R, new RequestState.Canceled(now)))
                .where(LockedRows.in(R.ID, "orphaned_copies"))
                .and(RequestStates.in(R.STATE, RequestStates.LIVE))
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
                .and(RequestStates.in(locked.STATE, RequestStates.LIVE))
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
