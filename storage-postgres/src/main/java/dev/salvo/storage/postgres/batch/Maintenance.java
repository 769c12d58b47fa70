package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.DAEMONS;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.RequestState;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Daemons;
import dev.salvo.storage.postgres.jooq.tables.Files;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** Stale-claim recovery and the purge of rows whose batch or file was soft-deleted. */
final class Maintenance {

    private static final Requests R = REQUESTS;
    private static final Daemons D = DAEMONS;
    private static final Batches B = BATCHES;
    private static final Files F = FILES;
    private static final RequestTemplates T = REQUEST_TEMPLATES;

    private final Sql sql;

    Maintenance(Sql sql) {
        this.sql = sql;
    }

    /**
     * One UPDATE: in-flight rows (requests_daemon_idx holds only those) whose daemon is unknown, dead,
     * or has not been heard from within the threshold go back to pending with their attempt count.
     * Liveness is the only criterion — never how long a request has been running — so a live daemon's
     * long request is never taken. SKIP LOCKED: a row being persisted right now is left alone.
     */
    long reclaimStaleRequests(Duration staleDaemonThreshold, int limit) {
        if (limit <= 0) {
            return 0;
        }
        Instant cutoff = sql.now().minus(staleDaemonThreshold);
        Map<Field<?>, Object> pending = RequestStates.columns(R, RequestState.Pending.fresh());
        pending.remove(R.RETRY_ATTEMPT);
        Requests stale = R.as("stale");
        return sql.read("reclaim stale requests", () -> (long) sql.dsl()
                .with(LockedRows.ids("stale_claims", DSL.select(stale.ID)
                        .from(stale).leftJoin(D).on(D.ID.eq(stale.DAEMON_ID))
                        .where(RequestStates.in(stale.STATE, RequestStates.IN_FLIGHT))
                        .and(D.ID.isNull()
                                .or(D.STATUS.eq("dead"))
                                .or(DSL.coalesce(D.LAST_HEARTBEAT, D.STARTED_AT).lt(cutoff)))
                        .orderBy(stale.ID)
                        .limit(limit)
                        .forUpdate().of(stale).skipLocked()))
                .update(R).set(pending)
                .where(LockedRows.in(R.ID, "stale_claims"))
                .and(RequestStates.in(R.STATE, RequestStates.IN_FLIGHT))
                .execute());
    }

    /**
     * Up to {@code batchSize} requests of deleted batches, then up to {@code batchSize} templates of
     * deleted files, each chunk chosen with FOR UPDATE SKIP LOCKED so replicas purging at once take
     * disjoint rows instead of waiting for each other. A deleted parent found empty is stamped
     * (rows_purged_at) and leaves batches_to_purge_idx / files_to_purge_idx, so the work per call does
     * not grow with the history of deletions.
     */
    long purgeOrphanedRows(int batchSize) {
        if (batchSize <= 0) {
            return 0;
        }
        Instant now = sql.now();
        long requests = sql.transaction("purge requests of deleted batches", tx -> {
            Requests doomed = R.as("doomed");
            int deleted = tx.with(LockedRows.ids("doomed_requests", DSL.select(doomed.ID).from(doomed)
                            .where(doomed.BATCH_ID.in(DSL.select(B.ID).from(B)
                                    .where(B.DELETED_AT.isNotNull()).and(B.ROWS_PURGED_AT.isNull())))
                            .limit(batchSize)
                            .forUpdate().skipLocked()))
                    .delete(R)
                    .where(LockedRows.in(R.ID, "doomed_requests"))
                    .execute();
            Requests left = R.as("left_over");
            tx.update(B).set(B.ROWS_PURGED_AT, now)
                    .where(B.DELETED_AT.isNotNull()).and(B.ROWS_PURGED_AT.isNull())
                    .andNotExists(DSL.selectOne().from(left).where(left.BATCH_ID.eq(B.ID)))
                    .execute();
            return (long) deleted;
        });
        long templates = sql.transaction("purge templates of deleted files", tx -> {
            RequestTemplates doomed = T.as("doomed");
            int deleted = tx.with(LockedRows.ids("doomed_templates", DSL.select(doomed.ID).from(doomed)
                            .where(doomed.FILE_ID.in(DSL.select(F.ID).from(F)
                                    .where(F.DELETED_AT.isNotNull()).and(F.ROWS_PURGED_AT.isNull())))
                            .limit(batchSize)
                            .forUpdate().skipLocked()))
                    .delete(T)
                    .where(LockedRows.in(T.ID, "doomed_templates"))
                    .execute();
            RequestTemplates left = T.as("left_over");
            tx.update(F).set(F.ROWS_PURGED_AT, now)
                    .where(F.DELETED_AT.isNotNull()).and(F.ROWS_PURGED_AT.isNull())
                    .andNotExists(DSL.selectOne().from(left).where(left.FILE_ID.eq(F.ID)))
                    .execute();
            return (long) deleted;
        });
        return requests + templates;
    }
}
