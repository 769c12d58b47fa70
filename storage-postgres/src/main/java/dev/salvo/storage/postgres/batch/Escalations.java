package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record5;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * SLA monitoring and escalation by racing pairs, and the demand counts the autoscaler reads. Every
 * query starts from the running batches (batches_running_idx, a small set) and reaches their requests
 * through the per-batch indexes.
 */
final class Escalations {

    private static final Batches B = BATCHES;
    private static final Requests R = REQUESTS;
    /** Originals escalated per transaction: bounded lock sets and statement sizes. */
    static final int ESCALATION_CHUNK = 500;

    private final Sql sql;

    Escalations(Sql sql) {
        this.sql = sql;
    }

    Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states) {
        Instant now = sql.now();
        return countPerBatch(B.EXPIRES_AT.gt(now).and(B.EXPIRES_AT.le(now.plus(threshold))), states);
    }

    Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states) {
        return countPerBatch(B.EXPIRES_AT.le(sql.now()), states);
    }

    /** Running batches matching {@code deadline}, with how many of their originals are in {@code states} (only those with some). */
    private Map<BatchId, Long> countPerBatch(Condition deadline, Set<RequestStateKind> states) {
        if (states.isEmpty()) {
            return Map.of();
        }
        return sql.read("count requests per batch", () -> {
            Map<BatchId, Long> counts = new LinkedHashMap<>();
            sql.dsl().select(B.ID, DSL.count())
                    .from(B).join(R).on(R.BATCH_ID.eq(B.ID))
                    .where(BatchRows.running(B)).and(deadline)
                    .and(RequestStates.in(R.STATE, RequestStates.wires(states))).and(R.ESCALATED_FROM.isNull())
                    .groupBy(B.ID)
                    .orderBy(B.ID)
                    .fetch()
                    .forEach(r -> counts.put(new BatchId(r.value1()), (long) r.value2()));
            return counts;
        });
    }

    /**
     * Creates, for each original of {@code model} in {@code states} in an at-risk running batch and
     * without a copy yet, a pending copy that races it. The originals are locked while their copies are
     * inserted (SKIP LOCKED: one being written right now is left for the next run), which orders this
     * with a completing original: either the completion sees the copy and supersedes it, or the copy is
     * never created.
     */
    long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                 String apiKeyOverride) {
        if (states.isEmpty()) {
            return 0;
        }
        String copyModel = modelOverride == null || modelOverride.isBlank() ? model : modelOverride;
        String copyKey = apiKeyOverride == null || apiKeyOverride.isBlank() ? null : TextColumns.storable(apiKeyOverride, "api key");
        long created = 0;
        while (true) {
            Instant now = sql.now();
            int n = sql.transaction("escalate requests of " + model, tx -> {
                Requests copy = R.as("copy");
                List<Record5<UUID, UUID, UUID, Long, String>> originals = tx
                        .select(R.ID, R.BATCH_ID, R.TEMPLATE_ID, R.LINE_NUMBER, R.CUSTOM_ID)
                        .from(R)
                        .where(R.BATCH_ID.in(DSL.select(B.ID).from(B)
                                .where(BatchRows.running(B))
                                .and(B.EXPIRES_AT.gt(now)).and(B.EXPIRES_AT.le(now.plus(threshold)))))
                        .and(R.MODEL.eq(model))
                        .and(RequestStates.in(R.STATE, RequestStates.wires(states)))
                        .and(R.ESCALATED_FROM.isNull())
                        .andNotExists(DSL.selectOne().from(copy).where(copy.ESCALATED_FROM.eq(R.ID)))
                        .orderBy(R.ID)
                        .limit(ESCALATION_CHUNK)
                        .forUpdate().of(R).skipLocked()
                        .fetch();
                if (originals.isEmpty()) {
                    return 0;
                }
                var insert = tx.insertInto(R, R.ID, R.BATCH_ID, R.TEMPLATE_ID, R.ESCALATED_FROM, R.LINE_NUMBER, R.CUSTOM_ID,
                        R.MODEL, R.API_KEY_OVERRIDE, R.STATE, R.CREATED_AT);
                for (Record5<UUID, UUID, UUID, Long, String> o : originals) {
                    insert = insert.values(RequestId.generate().value(), o.value2(), o.value3(), o.value1(), o.value4(),
                            o.value5(), copyModel, copyKey, RequestStateKind.PENDING.wire(), now);
                }
                return insert.execute();
            });
            created += n;
            if (n < ESCALATION_CHUNK) {
                return created;
            }
        }
    }

    Optional<RequestId> findPendingEscalation(RequestId originalRequestId) {
        return sql.read("find escalation of " + originalRequestId, () -> sql.dsl()
                .select(R.ID).from(R)
                .where(R.ESCALATED_FROM.eq(originalRequestId.value()))
                .and(RequestStates.in(R.STATE, RequestStates.LIVE))
                .orderBy(R.ID)
                .limit(1)
                .fetchOptional(r -> new RequestId(r.value1())));
    }

    /**
     * Per model, requests in {@code states} of running batches whose deadline is within each window
     * (cumulative buckets: one COUNT … FILTER per window in a single pass). Escalated copies count:
     * they are real demand on their model.
     */
    Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                        Set<String> models) {
        if (windows.isEmpty() || states.isEmpty()) {
            return Map.of();
        }
        Instant now = sql.now();
        List<Field<?>> select = new ArrayList<>();
        select.add(R.MODEL);
        for (PendingCountWindow window : windows) {
            select.add(DSL.count().filterWhere(B.EXPIRES_AT.le(now.plus(window.within()))));
        }
        Condition where = BatchRows.running(B).and(RequestStates.in(R.STATE, RequestStates.wires(states)));
        if (!models.isEmpty()) {
            where = where.and(R.MODEL.in(models));
        }
        Condition filter = where;
        return sql.read("count pending requests", () -> {
            Map<String, Map<String, Long>> counts = new TreeMap<>();
            for (Record row : sql.dsl().select(select).from(B).join(R).on(R.BATCH_ID.eq(B.ID)).where(filter).groupBy(R.MODEL).fetch()) {
                Map<String, Long> perWindow = new LinkedHashMap<>();
                for (int i = 0; i < windows.size(); i++) {
                    perWindow.put(windows.get(i).label(), ((Number) row.get(i + 1)).longValue());
                }
                counts.put(row.get(R.MODEL), perWindow);
            }
            return counts;
        });
    }
}
