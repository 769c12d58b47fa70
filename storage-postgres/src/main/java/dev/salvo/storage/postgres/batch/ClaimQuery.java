package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.TemplateId;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.JSONB;

/**
 * {@code claimRequests}: one UPDATE … RETURNING statement.
 *
 * <pre>
 * WITH picked AS MATERIALIZED (                      -- at most `limit` rows in all
 *   SELECT …, row_number() OVER (ORDER BY score, expires_at, batch_id, line_number, id) AS ord
 *   FROM unnest(:models, :slots) caps                -- only models with free slots
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
 *
 * <p>The statement text is fixed — models and owners travel as arrays, states as literals — and runs
 * as plain JDBC (see {@link Sql#jdbc}): it is the daemon's most frequent statement after the result
 * writes, and building and rendering it with jOOQ on every claim cost more client CPU than the
 * database spent executing it. The running-batch condition spells out {@link BatchRows#running}, the
 * predicate of batches_running_idx.
 */
final class ClaimQuery {

    private static final Requests R = REQUESTS;
    private static final double DAY_SECONDS = 86_400.0;

    /** The claimed state's columns, minus the attempt (each row keeps its own): set from bind values. */
    private static final List<Field<?>> CLAIMED_COLUMNS = claimedColumns();

    private static final String CLAIM = claimSql();

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
        OffsetDateTime nowBind = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        Map<String, Integer> owners = new TreeMap<>(claim.userActiveCounts());
        int maxActive = owners.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        double w = claim.urgencyWeight();
        Map<Field<?>, Object> claimed = RequestStates.columns(R, new RequestState.Claimed(claim.daemonId(), now, 0));

        List<Claimed> rows = sql.read("claim requests", () -> Sql.jdbc(sql.dsl(), connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                int i = 1;
                statement.setArray(i++, connection.createArrayOf("text", capacity.keySet().toArray()));
                statement.setArray(i++, connection.createArrayOf("int4", capacity.values().toArray()));
                statement.setDouble(i++, 1 - w);
                statement.setDouble(i++, Math.max(1, maxActive));
                statement.setDouble(i++, w);
                statement.setObject(i++, nowBind);
                statement.setArray(i++, connection.createArrayOf("text", owners.keySet().toArray()));
                statement.setArray(i++, connection.createArrayOf("int4", owners.values().toArray()));
                statement.setObject(i++, nowBind);
                statement.setObject(i++, nowBind);
                statement.setInt(i++, claim.limit());
                for (Field<?> column : CLAIMED_COLUMNS) {
                    Object value = claimed.get(column);
                    statement.setObject(i++, value instanceof Instant instant ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : value);
                }
                List<Claimed> result = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Claimed(rs.getLong(17), request(rs, claim.daemonId(), now)));
                    }
                }
                return result;
            }
        }));
        rows.sort(Comparator.comparingLong(Claimed::ord));
        return rows.stream().map(Claimed::request).toList();
    }

    private record Claimed(long ord, BatchRequest request) {
    }

    /** A row of the RETURNING list: the claimed state is exactly what this statement wrote. */
    private static BatchRequest request(ResultSet rs, DaemonId daemon, Instant now) throws SQLException {
        UUID templateId = rs.getObject(3, UUID.class);
        UUID escalatedFrom = rs.getObject(4, UUID.class);
        String body = rs.getString(15);
        String metadata = rs.getString(11);
        RequestData data = new RequestData(
                new RequestId(rs.getObject(1, UUID.class)),
                new BatchId(rs.getObject(2, UUID.class)),
                templateId == null ? null : new TemplateId(templateId),
                rs.getLong(5),
                rs.getString(6),
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                body == null ? "" : body,
                rs.getString(7),
                rs.getString(16),
                rs.getString(10),
                rs.getObject(9, OffsetDateTime.class).toInstant(),
                escalatedFrom == null ? null : new RequestId(escalatedFrom),
                MetadataJson.decode(metadata == null ? null : JSONB.valueOf(metadata)));
        return new BatchRequest(data, new RequestState.Claimed(daemon, now, rs.getInt(8)));
    }

    private static List<Field<?>> claimedColumns() {
        Map<Field<?>, Object> columns = RequestStates.columns(R, new RequestState.Claimed(DaemonId.generate(), Instant.EPOCH, 0));
        columns.remove(R.RETRY_ATTEMPT);
        return List.copyOf(columns.keySet());
    }

    private static String claimSql() {
        StringBuilder set = new StringBuilder();
        for (Field<?> column : CLAIMED_COLUMNS) {
            set.append(set.isEmpty() ? "" : ", ").append(HandWrittenSql.column(column)).append(" = ?::")
                    .append(HandWrittenSql.type(column.getType()));
        }
        String pending = "'" + RequestStateKind.PENDING.wire() + "'";
        return """
                with picked as materialized (
                  select per_model.id, per_model.template_id, per_model.batch_id,
                         row_number() over (order by per_model.score, per_model.expires_at, per_model.batch_id,
                                                     per_model.line_number, per_model.id) as ord
                  from unnest(?::text[], ?::int4[]) as caps(model, slots)
                  cross join lateral (
                    select rows.id, rows.line_number, rows.template_id, cand.batch_id, cand.expires_at, cand.score
                    from (
                      select cb.id as batch_id, cb.expires_at,
                             (?::float8 * (coalesce(owners.active, 0)::float8 / ?::float8))
                             + (?::float8 * least(1.0::float8, greatest(0.0::float8,
                                 (floor(extract(epoch from (cb.expires_at - ?::timestamptz)) * 1000) / 1000)::float8
                                   / %s::float8))) as score
                      from batches as cb
                      left join unnest(?::text[], ?::int4[]) as owners(owner, active) on owners.owner = cb.created_by
                      where cb.in_progress_at is not null and cb.cancelling_at is null and cb.completed_at is null
                        and cb.failed_at is null and cb.cancelled_at is null and cb.expired_at is null
                        and cb.deleted_at is null
                        and cb.expires_at > ?::timestamptz
                      order by score, cb.expires_at, cb.id
                    ) as cand
                    cross join lateral (
                      select p.id, p.line_number, p.template_id
                      from requests as p
                      where p.batch_id = cand.batch_id and p.model = caps.model and p.state = %s
                        and (p.not_before is null or p.not_before <= ?::timestamptz)
                      order by p.line_number, p.id
                      limit caps.slots
                      for update skip locked
                    ) as rows
                    order by cand.score, cand.expires_at, cand.batch_id, rows.line_number, rows.id
                    limit caps.slots
                  ) as per_model
                  order by per_model.score, per_model.expires_at, per_model.batch_id, per_model.line_number, per_model.id
                  limit ?
                )
                update requests set %s
                from picked
                join batches on batches.id = picked.batch_id
                left join request_templates on request_templates.id = picked.template_id
                where requests.id = picked.id and requests.state = %s
                returning requests.id, requests.batch_id, requests.template_id, requests.escalated_from,
                          requests.line_number, requests.custom_id, requests.model, requests.retry_attempt,
                          batches.expires_at, batches.created_by, batches.metadata,
                          coalesce(requests.endpoint, request_templates.endpoint),
                          coalesce(requests.method, request_templates.method),
                          coalesce(requests.path, request_templates.path),
                          coalesce(requests.body, request_templates.body),
                          coalesce(requests.api_key_override, batches.api_key, requests.template_api_key,
                                   request_templates.api_key),
                          picked.ord
                """.formatted(DAY_SECONDS, pending, set, pending);
    }
}
