package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.RequestState;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.CommonTableExpression;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Row2;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@code claimRequests}: one UPDATE … RETURNING statement.
 *
 * <pre>
 * WITH picked AS MATERIALIZED (                      -- at most `limit` rows in all
 *   SELECT …, row_number() OVER (ORDER BY score, expires_at, batch_id, line_number, id) AS ord
 *   FROM (VALUES (model, slots), …) caps             -- only models with free slots
 *   CROSS JOIN LATERAL (                              -- per model: at most `slots` rows
 *     SELECT … FROM (running batches ordered by score, expires_at, id) cand
 *     CROSS JOIN LATERAL (                            -- per batch: its first pending rows of the model
 *       SELECT id, line_number, template_id FROM requests
 *       WHERE batch_id = cand.id AND model = caps.model AND state = 'pending'
 *         AND (not_before IS NULL OR not_before <= :now)
 *       ORDER BY line_number, id LIMIT caps.slots
 *       FOR UPDATE SKIP LOCKED)
 *     ORDER BY score, expires_at, batch_id, line_number, id LIMIT caps.slots)
 *   ORDER BY ord LIMIT :limit)
 * UPDATE requests SET state = 'claimed', daemon_id = :daemon, claimed_at = :now
 * FROM picked JOIN batches … LEFT JOIN request_templates …
 * WHERE requests.id = picked.id AND requests.state = 'pending'
 * RETURNING the request with its batch's and template's columns
 * </pre>
 *
 * <p>Rows are locked where they are chosen, with SKIP LOCKED, so concurrent claimers (threads, pools,
 * replicas) never wait for each other and never take the same row: a row another claimer has locked
 * is skipped, and one it already claimed fails the re-check {@code state = 'pending'} that PostgreSQL
 * applies to the newest row version after locking. A batch's score is
 * {@code (1 − w) × active(owner) / max(1, max active) + w × clamp(seconds left / 86400, 0, 1)}, the
 * {@link dev.salvo.core.batch.ClaimScoring} expression in float8 with seconds floored to milliseconds,
 * so ties and order match the Java definition exactly. The candidate batches come from
 * batches_running_idx and each batch's rows from requests_claim_idx (pending rows only).
 */
final class ClaimQuery {

    private static final Requests R = REQUESTS;
    private static final Requests P = REQUESTS.as("p");
    private static final Batches CB = BATCHES.as("cb");
    private static final double DAY_SECONDS = 86_400.0;

    private final Sql sql;

    ClaimQuery(Sql sql) {
        this.sql = sql;
    }

    List<BatchRequest> claim(ClaimRequest claim) {
        Map<String, Integer> capacity = new TreeMap<>();
        claim.capacity().forEach((model, slots) -> {
            if (model != null && slots != null && slots > 0) {
                capacity.put(model, slots);
            }
        });
        if (capacity.isEmpty() || claim.limit() == 0) {
            return List.of();
        }
        Instant now = sql.now();

        Table<?> caps = DSL.values(capacity.entrySet().stream()
                        .map(e -> DSL.row(DSL.val(e.getKey()), DSL.val(e.getValue())))
                        .toArray(Row2[]::new))
                .as("caps", "model", "slots");
        Field<String> capModel = DSL.field(DSL.name("caps", "model"), String.class);
        Field<Integer> capSlots = DSL.field(DSL.name("caps", "slots"), Integer.class);

        // Running batches in score order.
        Field<Double> score = score(claim, now).as("score");
        var candidates = DSL.select(CB.ID.as("batch_id"), CB.EXPIRES_AT.as("expires_at"), score);
        Table<?> cand = (claim.userActiveCounts().isEmpty()
                ? candidates.from(CB)
                : candidates.from(CB).leftJoin(owners(claim)).on(DSL.field(DSL.name("owners", "owner"), String.class).eq(CB.CREATED_BY)))
                .where(BatchRows.running(CB)).and(CB.EXPIRES_AT.gt(now))
                .orderBy(DSL.field(DSL.name("score")), CB.EXPIRES_AT, CB.ID)
                .asTable("cand");
        Field<UUID> candBatch = DSL.field(DSL.name("cand", "batch_id"), UUID.class);
        Field<Instant> candExpires = DSL.field(DSL.name("cand", "expires_at"), Instant.class);
        Field<Double> candScore = DSL.field(DSL.name("cand", "score"), Double.class);

        // Per batch: its first pending rows of the model, locked.
        Table<?> rows = DSL.lateral(DSL.select(P.ID, P.LINE_NUMBER, P.TEMPLATE_ID)
                .from(P)
                .where(P.BATCH_ID.eq(candBatch))
                .and(P.MODEL.eq(capModel))
                .and(P.STATE.eq("pending"))
                .and(P.NOT_BEFORE.isNull().or(P.NOT_BEFORE.le(now)))
                .orderBy(P.LINE_NUMBER, P.ID)
                .limit(capSlots)
                .forUpdate().skipLocked()
                .asTable("rows"));
        Field<UUID> rowId = DSL.field(DSL.name("rows", "id"), UUID.class);
        Field<Long> rowLine = DSL.field(DSL.name("rows", "line_number"), Long.class);
        Field<UUID> rowTemplate = DSL.field(DSL.name("rows", "template_id"), UUID.class);

        // Per model: the first `slots` of those across batches, in score order.
        Table<?> perModel = DSL.lateral(DSL.select(rowId.as("id"), rowLine.as("line_number"), rowTemplate.as("template_id"),
                        candBatch.as("batch_id"), candExpires.as("expires_at"), candScore.as("score"))
                .from(cand).crossJoin(rows)
                .orderBy(candScore, candExpires, candBatch, rowLine, rowId)
                .limit(capSlots)
                .asTable("per_model"));
        Field<UUID> pmId = DSL.field(DSL.name("per_model", "id"), UUID.class);
        Field<Long> pmLine = DSL.field(DSL.name("per_model", "line_number"), Long.class);
        Field<UUID> pmTemplate = DSL.field(DSL.name("per_model", "template_id"), UUID.class);
        Field<UUID> pmBatch = DSL.field(DSL.name("per_model", "batch_id"), UUID.class);
        Field<Instant> pmExpires = DSL.field(DSL.name("per_model", "expires_at"), Instant.class);
        Field<Double> pmScore = DSL.field(DSL.name("per_model", "score"), Double.class);

        // Materialized: the locking subqueries inside must run exactly once (see LockedRows).
        CommonTableExpression<?> picked = DSL.name("picked").asMaterialized(DSL
                .select(pmId.as("id"), pmTemplate.as("template_id"), pmBatch.as("batch_id"),
                        DSL.rowNumber().over(DSL.orderBy(pmScore, pmExpires, pmBatch, pmLine, pmId)).as("ord"))
                .from(caps).crossJoin(perModel)
                .orderBy(pmScore, pmExpires, pmBatch, pmLine, pmId)
                .limit(claim.limit()));
        Field<UUID> pickedId = DSL.field(DSL.name("picked", "id"), UUID.class);
        Field<UUID> pickedTemplate = DSL.field(DSL.name("picked", "template_id"), UUID.class);
        Field<UUID> pickedBatch = DSL.field(DSL.name("picked", "batch_id"), UUID.class);
        Field<Integer> pickedOrd = DSL.field(DSL.name("picked", "ord"), Integer.class);

        Map<Field<?>, Object> claimed = RequestStates.columns(R, new RequestState.Claimed(claim.daemonId(), now, 0));
        claimed.remove(R.RETRY_ATTEMPT);   // each row keeps its own attempt count

        RequestView view = RequestView.DEFAULT;
        List<Field<?>> returned = new ArrayList<>(view.fields());
        returned.add(pickedOrd);

        List<Record> rowsClaimed = sql.read("claim requests", () -> sql.dsl()
                .with(picked)
                .update(R)
                .set(claimed)
                .from(DSL.table(DSL.name("picked"))
                        .join(BATCHES).on(BATCHES.ID.eq(pickedBatch))
                        .leftJoin(REQUEST_TEMPLATES).on(REQUEST_TEMPLATES.ID.eq(pickedTemplate)))
                .where(R.ID.eq(pickedId))
                .and(R.STATE.eq("pending"))
                .returningResult(returned)
                .fetch());
        return rowsClaimed.stream()
                .sorted(Comparator.comparing(row -> row.get(pickedOrd)))
                .map(view::request)
                .toList();
    }

    /** {@link dev.salvo.core.batch.ClaimScoring#score}, term by term, in float8. */
    private static Field<Double> score(ClaimRequest claim, Instant now) {
        double w = claim.urgencyWeight();
        Field<Double> fairness;
        if (claim.userActiveCounts().isEmpty()) {
            fairness = DSL.inline(0.0d).cast(SQLDataType.DOUBLE);
        } else {
            int maxActive = claim.userActiveCounts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            fairness = DSL.coalesce(DSL.field(DSL.name("owners", "active"), Integer.class), DSL.inline(0))
                    .cast(SQLDataType.DOUBLE)
                    .div(DSL.val((double) Math.max(1, maxActive)).cast(SQLDataType.DOUBLE));
        }
        // Duration.between(now, expiresAt).toMillis() / 1000.0: whole milliseconds, then exact division.
        Field<Double> secondsLeft = DSL.field("(floor(extract(epoch from ({0} - {1})) * 1000) / 1000)::float8",
                SQLDataType.DOUBLE, CB.EXPIRES_AT, DSL.val(now));
        Field<Double> urgency = DSL.least(DSL.inline(1.0d).cast(SQLDataType.DOUBLE),
                DSL.greatest(DSL.inline(0.0d).cast(SQLDataType.DOUBLE),
                        secondsLeft.div(DSL.inline(DAY_SECONDS).cast(SQLDataType.DOUBLE))));
        return DSL.val(1 - w).cast(SQLDataType.DOUBLE).mul(fairness)
                .plus(DSL.val(w).cast(SQLDataType.DOUBLE).mul(urgency));
    }

    private static Table<?> owners(ClaimRequest claim) {
        return DSL.values(new TreeMap<>(claim.userActiveCounts()).entrySet().stream()
                        .map(e -> DSL.row(DSL.val(e.getKey()), DSL.val(e.getValue())))
                        .toArray(Row2[]::new))
                .as("owners", "owner", "active");
    }
}
