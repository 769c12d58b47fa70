package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.storage.postgres.batch.PersistQueue.Entry;
import dev.salvo.storage.postgres.batch.PersistQueue.Outcome;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Writes one group of {@link PersistQueue} in one transaction of three round trips, whatever its size:
 * <ol>
 *   <li>one multi-row compare-and-set, {@code UPDATE requests … FROM unnest(arrays) … RETURNING}, that
 *       writes every row still live (pending, claimed or processing);</li>
 *   <li>per touched batch, in id order, {@link BatchFinalizer#settle} with the group's summed counter
 *       delta (one UPDATE of the batch row; a finalization only when the counts say it is done);</li>
 *   <li>COMMIT.</li>
 * </ol>
 *
 * <p>Why "live" is the whole guard: {@link PersistGuard} lets a live row take any state, and a live
 * row's prior state does not change the counters (none of them counts live rows, and a live row adds
 * nothing to the output or error file), so the group needs neither to read rows before writing them
 * nor to know which live state each one was in. Every other write — to a row that is already
 * canceled, completed, failed or superseded, or that does not exist — is not applied by the group and
 * is left to the caller's single-request path ({@link Outcome.Alone}), which reads the row, applies
 * the guard and answers exactly as before (a late result replacing canceled, Dropped, NotFound).
 *
 * <p>Racing pairs also go alone: a completion of an escalated copy (excluded by the UPDATE itself) and
 * of an original that has a copy, where the twin must be superseded in the same transaction. They are
 * rare (racing is configured per model and only starts near a deadline), so the single-request code,
 * which locks the pair and supersedes the twin, serves them rather than a set-based copy of it. Whether
 * an original has a copy is asked by the batch-row statement of step 2, not by the UPDATE:
 * {@code createEscalatedRequests} inserts a copy while holding the original's row lock, so only a
 * statement that starts after the UPDATE got that lock is sure to see the copy. If it finds one, the
 * group rolls back and is written again without those completions.
 *
 * <p>A group of starts only (claimed → processing) changes no counter and cannot finish a batch: it is
 * the UPDATE alone, autocommitted. The group is written in id order, which is the order the UPDATE
 * visits its rows in practice (an interleaving writer that deadlocks with it is retried anyway).
 *
 * <p>Statements are plain JDBC with fixed text (see {@link Sql#jdbc}); values travel as arrays.
 */
final class GroupPersist {

    private static final Requests R = REQUESTS;
    private static final Outcome APPLIED = new Outcome.Done(PersistResult.Applied.plain());
    private static final Outcome ALONE = new Outcome.Alone();

    /** Every column a state write sets (RequestStates.columns renders all of them for every state). */
    private static final List<Field<?>> COLUMNS = List.copyOf(RequestStates.columns(R, RequestState.Pending.fresh()).keySet());

    private static final int SIZE = COLUMNS.indexOf(R.RESPONSE_SIZE);
    /** After the columns, each write's values carry its writer's claim (null, null for an unfenced write). */
    private static final int FENCE_DAEMON = COLUMNS.size();
    private static final int FENCE_CLAIMED_AT = COLUMNS.size() + 1;

    private static final String UPDATE = updateSql();

    /**
     * Timestamps travel as text: the driver has no array encoding for java.time values. Microseconds,
     * UTC, and a year without sign, which PostgreSQL reads exactly. (Years outside 1–9999 only.)
     */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).appendLiteral(' ')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
            .appendLiteral("+00")
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private final Sql sql;
    private final BatchFinalizer finalizer;

    GroupPersist(Sql sql, BatchFinalizer finalizer) {
        this.sql = sql;
        this.finalizer = finalizer;
        // The two facts the group's guard and counters rest on (see the class comment), checked once
        // against the rules they come from, so a change there cannot silently break the group.
        for (RequestStateKind next : RequestStateKind.values()) {
            for (String live : RequestStates.LIVE) {
                RequestStateKind prior = RequestStates.kind(live);
                if (!PersistGuard.applies(prior, next)
                        || !CounterDelta.of(prior, 0, next, 7, true).equals(CounterDelta.of(RequestStateKind.PROCESSING, 0, next, 7, true))
                        || RequestPersister.settles(prior, next) && !settles(next)) {
                    throw new IllegalStateException("the group write assumes any live prior is alike, not so for " + prior + " -> " + next);
                }
            }
        }
    }

    List<Outcome> write(List<Entry> group) {
        List<Entry> sorted = new ArrayList<>(group);
        sorted.sort(Comparator.comparing(Entry::id, GroupPersist::compareAsPostgres));
        if (sorted.stream().allMatch(GroupPersist::isStart)) {
            Map<UUID, Written> written = sql.statement("start " + group.size() + " requests", () -> update(sql.dsl(), sorted));
            return group.stream().map(e -> written.containsKey(e.id()) ? APPLIED : ALONE).toList();
        }
        Instant now = sql.now();
        Set<UUID> alone = new HashSet<>();
        while (true) {
            List<Entry> writes = sorted.stream().filter(e -> !alone.contains(e.id())).toList();
            try {
                Map<UUID, Written> written = writes.isEmpty() ? Map.of()
                        : sql.transaction("persist " + writes.size() + " requests", tx -> writeAndSettle(tx, writes, now));
                return group.stream().map(e -> written.containsKey(e.id()) ? APPLIED : ALONE).toList();
            } catch (CopiesFound found) {
                // Rolled back; those completions supersede a twin, which the single-request path does.
                alone.addAll(found.originals);
            }
        }
    }

    /** What the UPDATE reports about a row it wrote. */
    private record Written(UUID batchId, boolean original) {
    }

    /** Rolls the group's transaction back: these completed originals have a racing copy. */
    private static final class CopiesFound extends RuntimeException {
        final Set<UUID> originals;

        CopiesFound(Set<UUID> originals) {
            super("completed originals with escalated copies: " + originals, null, false, false);
            this.originals = originals;
        }
    }

    private Map<UUID, Written> writeAndSettle(DSLContext tx, List<Entry> writes, Instant now) {
        Map<UUID, Written> written = update(tx, writes);
        Map<UUID, CounterDelta> settle = new TreeMap<>();
        List<UUID> completedOriginals = new ArrayList<>();
        for (Entry e : writes) {
            Written w = written.get(e.id());
            if (w == null || !settles(e.next())) {
                continue;
            }
            long size = (Long) e.values()[SIZE];
            // Any live prior gives the same delta (see the class comment); PROCESSING stands for all of them.
            settle.merge(w.batchId(), CounterDelta.of(RequestStateKind.PROCESSING, 0, e.next(), size, w.original()), CounterDelta::plus);
            if (e.next() == RequestStateKind.COMPLETED && w.original()) {
                completedOriginals.add(e.id());
            }
        }
        // Request rows first, then batch rows in id order: the lock order of every writer. The first
        // batch statement also asks whether a completed original has a copy.
        UUID[] probe = completedOriginals.isEmpty() ? null : completedOriginals.toArray(UUID[]::new);
        for (Map.Entry<UUID, CounterDelta> batch : settle.entrySet()) {
            if (probe == null) {
                finalizer.settle(tx, batch.getKey(), batch.getValue(), now);
                continue;
            }
            Set<UUID> copied = finalizer.settleUnlessCopied(tx, batch.getKey(), batch.getValue(), now, probe);
            if (!copied.isEmpty()) {
                throw new CopiesFound(copied);
            }
            probe = null;
        }
        return written;
    }

    /**
     * Whether a write from a live state to {@code next} must go through the batch row: it becomes
     * terminal (counters, maybe the batch's end) or leaves flight (a cancelling batch may be waiting for
     * exactly that request; a pending row released again just re-checks, which is harmless).
     */
    private static boolean settles(RequestStateKind next) {
        return RequestPersister.settles(RequestStateKind.PROCESSING, next);
    }

    /** PostgreSQL orders uuids by their bytes, unsigned; java.util.UUID compares signed halves. */
    private static int compareAsPostgres(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private static boolean isStart(Entry e) {
        return RequestPersister.IN_FLIGHT_ONLY.contains(e.next());
    }

    /** The multi-row compare-and-set on the live states. @return the rows written */
    private static Map<UUID, Written> update(DSLContext ctx, List<Entry> writes) {
        return Sql.jdbc(ctx, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
                Array ids = connection.createArrayOf("uuid", writes.stream().map(Entry::id).toArray(UUID[]::new));
                statement.setArray(1, ids);
                int index = 2;
                for (int column = 0; column < COLUMNS.size(); column++) {
                    statement.setArray(index++, array(connection, arrayType(COLUMNS.get(column).getType()), column, writes));
                }
                statement.setArray(index++, array(connection, "uuid", FENCE_DAEMON, writes));
                statement.setArray(index++, array(connection, "text", FENCE_CLAIMED_AT, writes));
                statement.setArray(index, ids);
                Map<UUID, Written> written = new HashMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        written.put(rs.getObject(1, UUID.class), new Written(rs.getObject(2, UUID.class), rs.getObject(3) == null));
                    }
                }
                return written;
            }
        });
    }

    private static Array array(Connection connection, String type, int index, List<Entry> writes) throws SQLException {
        Object[] values = new Object[writes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = writes.get(i).values()[index];
        }
        return connection.createArrayOf(type, values);
    }

    /**
     * A write's values in {@link #COLUMNS} order, as the UPDATE's arrays take them (timestamps as text),
     * followed by the writer's claim, which the UPDATE compares with the row's (the fence).
     */
    static Object[] values(Map<Field<?>, Object> columns, Optional<ClaimToken> writer) {
        Object[] values = new Object[COLUMNS.size() + 2];
        for (int i = 0; i < COLUMNS.size(); i++) {
            Object value = columns.get(COLUMNS.get(i));
            values[i] = value instanceof Instant instant ? timestamp(instant) : value;
        }
        writer.ifPresent(claim -> {
            values[FENCE_DAEMON] = claim.daemonId().value();
            values[FENCE_CLAIMED_AT] = timestamp(Sql.micros(claim.claimedAt()));
        });
        return values;
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss.ffffff+00}, exact to the microsecond (the adapter's precision). Written
     * by hand: DateTimeFormatter's fraction printing was a visible share of the writer thread's time.
     */
    static String timestamp(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1 || t.getYear() > 9999) {
            return TIMESTAMP.format(instant);
        }
        char[] c = "0000-00-00 00:00:00.000000+00".toCharArray();
        digits(c, 0, 4, t.getYear());
        digits(c, 5, 2, t.getMonthValue());
        digits(c, 8, 2, t.getDayOfMonth());
        digits(c, 11, 2, t.getHour());
        digits(c, 14, 2, t.getMinute());
        digits(c, 17, 2, t.getSecond());
        digits(c, 20, 6, t.getNano() / 1_000);
        return new String(c);
    }

    private static void digits(char[] c, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Element type of a column's array: its own, except timestamps, which travel as text (see {@link #TIMESTAMP}). */
    private static String arrayType(Class<?> type) {
        return type == Instant.class ? "text" : HandWrittenSql.type(type);
    }

    /**
     * <pre>
     * UPDATE requests r SET state = v.state, …, retry_attempt = coalesce(v.retry_attempt, r.retry_attempt)
     * FROM unnest(?::uuid[], ?::text[], …) AS v(id, state, …)
     * WHERE r.id = v.id AND r.id = ANY(:ids)
     *   AND r.state IN ('pending', 'claimed', 'processing')
     *   AND (v.state <> 'completed' OR r.escalated_from IS NULL)
     *   AND (v.fence_daemon IS NULL OR (r.daemon_id = v.fence_daemon AND r.claimed_at = v.fence_claimed_at::timestamptz))
     * RETURNING r.id, r.batch_id, r.escalated_from
     * </pre>
     * A state without a retry attempt (completed, canceled, superseded) leaves the row's as it is. The
     * redundant {@code r.id = ANY(:ids)} gives the planner an index condition on the table: joined on
     * the function scan alone it may hash a sequential scan of the whole table (seen with stale row
     * estimates) instead of looking up the group's rows by primary key. A holder's write applies only to
     * a row still held under its claim (PersistGuard's fence; a live row is held exactly when it has a
     * daemon): a fenced-out write is left to the single-request path, which answers Fenced.
     */
    private static String updateSql() {
        StringBuilder set = new StringBuilder();
        StringBuilder names = new StringBuilder("id");
        StringBuilder unnest = new StringBuilder("?::uuid[]");
        for (int i = 0; i < COLUMNS.size(); i++) {
            Field<?> column = COLUMNS.get(i);
            String name = HandWrittenSql.column(column);
            String value = column.getType() == Instant.class ? "v." + name + "::timestamptz" : "v." + name;
            set.append(i == 0 ? "" : ", ").append(name).append(" = ")
                    .append(name.equals(R.RETRY_ATTEMPT.getName()) ? "coalesce(" + value + ", r." + name + ")" : value);
            names.append(", ").append(name);
            unnest.append(", ?::").append(arrayType(column.getType())).append("[]");
        }
        String live = RequestStates.LIVE.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
        names.append(", fence_daemon, fence_claimed_at");
        unnest.append(", ?::uuid[], ?::text[]");
        return "update requests as r set " + set
                + " from unnest(" + unnest + ") as v(" + names + ")"
                + " where r.id = v.id and r.id = any(?::uuid[])"
                + " and r.state in (" + live + ")"
                + " and (v.state <> '" + RequestStateKind.COMPLETED.wire() + "' or r.escalated_from is null)"
                + " and (v.fence_daemon is null or (r.daemon_id = v.fence_daemon"
                + " and r.claimed_at = v.fence_claimed_at::timestamptz))"
                + " returning r.id, r.batch_id, r.escalated_from";
    }
}
