package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RacingPair;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Request state writes. {@code persist} goes through a group commit ({@link PersistQueue},
 * {@link GroupPersist}): concurrent calls share one transaction of set-based statements. Everything
 * else here — and every write the group leaves to its caller — is one transaction that locks the
 * request rows it changes (in id order; for a racing pair, the original before its copy), writes them
 * with a compare-and-set on the states {@link PersistGuard} allows, and ends with
 * {@link BatchFinalizer#settle} on the batch row.
 */
final class RequestPersister {

    private static final Requests R = REQUESTS;
    private static final Batches B = BATCHES;
    /** Lookups per statement, well below the bind-parameter limit. */
    private static final int LOOKUP_CHUNK = 1_000;

    private final Sql sql;
    private final BatchFinalizer finalizer;
    private final PersistQueue queue;

    RequestPersister(Sql sql, BatchFinalizer finalizer) {
        this(sql, finalizer, UnaryOperator.identity());
    }

    /** {@code writers} lets tests wrap the group writer (to fail a group on purpose). */
    RequestPersister(Sql sql, BatchFinalizer finalizer, UnaryOperator<PersistQueue.GroupWriter> writers) {
        this.sql = sql;
        this.finalizer = finalizer;
        this.queue = new PersistQueue(writers.apply(new GroupPersist(sql, finalizer)::write));
    }

    /** The columns a write needs to know about the row it replaces. */
    private static final List<Field<?>> CURRENT = List.of(R.ID, R.STATE, R.BATCH_ID, R.ESCALATED_FROM, R.RESPONSE_SIZE,
            R.DAEMON_ID, R.CLAIMED_AT);

    private record Current(UUID id, RequestStateKind state, UUID batchId, UUID escalatedFrom, long size,
                           Optional<ClaimToken> claim) {
        static Current of(Record row) {
            RequestStateKind state = RequestStates.kind(row.get(R.STATE));
            Optional<ClaimToken> claim = state.inFlight() && row.get(R.DAEMON_ID) != null
                    ? Optional.of(new ClaimToken(new DaemonId(row.get(R.DAEMON_ID)), row.get(R.CLAIMED_AT)))
                    : Optional.empty();
            return new Current(row.get(R.ID), state, row.get(R.BATCH_ID), row.get(R.ESCALATED_FROM), row.get(R.RESPONSE_SIZE),
                    claim);
        }

        boolean original() {
            return escalatedFrom == null;
        }

        /** Why a refused compare-and-set was refused, in the port's terms. */
        PersistResult refusal(RequestStateKind next, Optional<ClaimToken> writer) {
            PersistGuard.Verdict verdict = PersistGuard.verdict(state, claim, next, writer);
            return verdict == PersistGuard.Verdict.FENCE ? verdict.refusal(state) : new PersistResult.Dropped(state);
        }
    }

    /** Writes waiting for a group commit; for tests. */
    int queuedWrites() {
        return queue.queued();
    }

    // ------------------------------------------------------------------ persist

    /**
     * Every write joins a group commit (see {@link PersistQueue}); what the group leaves to its caller —
     * a write to a row that is no longer live (a late result, a duplicate, an unknown id), a completion
     * within a racing pair, the writes of a rolled-back group — is made here alone, as before grouping.
     */
    PersistResult persist(BatchRequest request, Optional<ClaimToken> writer) {
        RequestState next = request.state();
        UUID id = request.id().value();
        // Rendered, validated and encoded on the caller's thread: a bad value fails its own caller only,
        // and the one writer thread does no per-row work it can leave to the many callers.
        Map<Field<?>, Object> columns = RequestStates.columns(R, next);
        Write write = new Write(id, next.kind(), columns, writer);
        return switch (queue.submit(id, next.kind(), GroupPersist.values(columns, writer))) {
            case PersistQueue.Outcome.Done done -> done.result();
            case PersistQueue.Outcome.Failed failed -> throw new BatchStorageException.Backend(
                    "persist request " + id + " failed; whether it was applied is unknown", failed.error());
            case PersistQueue.Outcome.Alone alone -> persistAlone(write);
        };
    }

    /** One state write: the row, the state it moves to (rendered as columns) and the writer's claim. */
    private record Write(UUID id, RequestStateKind next, Map<Field<?>, Object> columns, Optional<ClaimToken> writer) {
    }

    /** One write in its own transaction (or statement): the path every write took before group commit. */
    private PersistResult persistAlone(Write write) {
        if (IN_FLIGHT_ONLY.contains(write.next())) {
            return moveInFlight(write);
        }
        Instant now = sql.now();
        return sql.transaction("persist request " + write.id(), tx -> write.next() == RequestStateKind.COMPLETED
                ? complete(tx, write, now)
                : write(tx, write, now));
    }

    /**
     * States reached only from live (pending, claimed, processing) rows and themselves in flight: such a
     * write changes no counter and cannot finish a batch (nothing leaves flight, nothing becomes terminal),
     * so it needs neither the batch row nor a transaction.
     */
    static final java.util.Set<RequestStateKind> IN_FLIGHT_ONLY = inFlightOnly();

    private static java.util.Set<RequestStateKind> inFlightOnly() {
        java.util.Set<RequestStateKind> kinds = java.util.EnumSet.noneOf(RequestStateKind.class);
        for (RequestStateKind next : RequestStateKind.values()) {
            boolean fromLiveOnly = RequestStates.allowedPriors(next).stream()
                    .allMatch(prior -> !RequestStates.kind(prior).terminal());
            if (next.inFlight() && !next.terminal() && fromLiveOnly) {
                kinds.add(next);
            }
        }
        return java.util.Set.copyOf(kinds);
    }

    /**
     * One autocommitted compare-and-set (the row lock is the UPDATE's own): e.g. claimed → processing,
     * the first of a daemon's two writes per request. Only a refused write reads the row back.
     */
    private PersistResult moveInFlight(Write write) {
        UUID id = write.id();
        boolean applied = sql.read("persist request " + id, () -> compareAndSet(sql.dsl(), write));
        if (applied) {
            return PersistResult.Applied.plain();
        }
        Current current = sql.read("read request " + id, () -> sql.dsl().select(CURRENT).from(R).where(R.ID.eq(id)).fetchOne(Current::of));
        if (current == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, id);
        }
        return current.refusal(write.next(), write.writer());
    }

    private PersistResult write(DSLContext tx, Write write, Instant now) {
        Record row = tx.select(CURRENT).from(R).where(R.ID.eq(write.id())).forUpdate().fetchOne();
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, write.id());
        }
        Current current = Current.of(row);
        // A failure of one of a racing pair is dropped once its twin completed (RacingPair), as a completion
        // is in complete(); the twin is only looked up for a write the guard would apply.
        if (write.next() == RequestStateKind.FAILED
                && PersistGuard.verdict(current.state(), current.claim(), write.next(), write.writer()) == PersistGuard.Verdict.APPLY
                && resultDropped(tx, current, write.next())) {
            return new PersistResult.Dropped(current.state());
        }
        if (!compareAndSet(tx, write)) {
            return current.refusal(write.next(), write.writer());
        }
        CounterDelta delta = CounterDelta.of(current.state(), current.size(), write.next(),
                (Long) write.columns().get(R.RESPONSE_SIZE), current.original());
        if (settles(current.state(), write.next())) {
            finalizer.settle(tx, current.batchId(), delta, now);
        }
        return PersistResult.Applied.plain();
    }

    /**
     * Whether a write from {@code current} to {@code next} may change counters or end its batch, so that
     * its transaction must go through the batch row: anything becoming or leaving terminal, and anything
     * leaving flight (a cancelling batch may have been waiting for exactly that request).
     */
    static boolean settles(RequestStateKind current, RequestStateKind next) {
        return next.terminal() || current.terminal() || (current.inFlight() && !next.inFlight());
    }

    /** Whether a result {@code next} for this request is dropped because the other one of its racing pair completed ({@link RacingPair}). */
    private static boolean resultDropped(DSLContext tx, Current current, RequestStateKind next) {
        Condition twin = current.original() ? R.ESCALATED_FROM.eq(current.id()) : R.ID.eq(current.escalatedFrom());
        return tx.select(R.STATE).from(R).where(twin).fetch(R.STATE).stream()
                .anyMatch(state -> RacingPair.resultDropped(next, RequestStates.kind(state)));
    }

    /**
     * A completion. If the request belongs to a racing pair, both are locked (original first, then
     * copy — the order every writer of a pair uses), the twin is superseded in the same transaction, and
     * a completion arriving after the twin already completed is dropped: exactly one result per template.
     */
    private PersistResult complete(DSLContext tx, Write write, Instant now) {
        UUID id = write.id();
        Record probe = tx.select(R.ID, R.ESCALATED_FROM).from(R).where(R.ID.eq(id)).fetchOne();
        if (probe == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, id);
        }
        UUID originalId = probe.get(R.ESCALATED_FROM) == null ? id : probe.get(R.ESCALATED_FROM);
        // The original's lock first, in a statement of its own: createEscalatedRequests inserts a copy
        // while holding that lock, so only a statement begun after it is granted is sure to see the copy.
        tx.select(R.ID).from(R).where(R.ID.eq(originalId)).forUpdate().fetch();
        List<Current> pair = tx.select(CURRENT).from(R)
                .where(R.ID.eq(originalId).or(R.ESCALATED_FROM.eq(originalId)))
                .orderBy(DSL.when(R.ESCALATED_FROM.isNull(), DSL.inline(0)).otherwise(DSL.inline(1)), R.ID)
                .forUpdate()
                .fetch(Current::of);
        Current me = pair.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, id));
        List<Current> twins = pair.stream()
                .filter(c -> !c.id().equals(id))
                .filter(c -> me.original() || c.original())   // a copy's twin is its original, not another copy
                .toList();
        // The pair is locked: decide here, as the other adapters do, then write.
        PersistGuard.Verdict verdict = PersistGuard.verdict(me.state(), me.claim(), RequestStateKind.COMPLETED, write.writer());
        if (verdict == PersistGuard.Verdict.APPLY
                && twins.stream().anyMatch(t -> RacingPair.resultDropped(RequestStateKind.COMPLETED, t.state()))) {
            verdict = PersistGuard.Verdict.DROP;
        }
        if (verdict != PersistGuard.Verdict.APPLY) {
            return verdict.refusal(me.state());
        }
        if (!compareAndSet(tx, write)) {
            return me.refusal(RequestStateKind.COMPLETED, write.writer());
        }
        long size = (Long) write.columns().get(R.RESPONSE_SIZE);
        CounterDelta delta = CounterDelta.of(me.state(), me.size(), RequestStateKind.COMPLETED, size, me.original());
        RequestId superseded = null;
        for (Current twin : twins) {
            RequestState.Superseded loser = new RequestState.Superseded(now, new RequestId(id));
            if (RacingPair.supersedes(twin.state()) && tx.update(R).set(RequestStates.columns(R, loser))
                    .where(R.ID.eq(twin.id()))
                    .and(RequestStates.in(R.STATE, RequestStates.wires(RacingPair.SUPERSEDABLE)))
                    .execute() == 1) {
                delta = delta.plus(CounterDelta.of(twin.state(), twin.size(), RequestStateKind.SUPERSEDED, 0, twin.original()));
                superseded = new RequestId(twin.id());
            }
        }
        finalizer.settle(tx, me.batchId(), delta, now);
        return new PersistResult.Applied(Optional.ofNullable(superseded));
    }

    /**
     * The write itself: applied only if the row is still in a state PersistGuard lets {@code next}
     * replace and, for a holder's write onto a live row, only while the row is held under its claim.
     */
    private static boolean compareAndSet(DSLContext tx, Write write) {
        return compareAndSet(tx, write.id(), write.next(), write.columns(), write.writer());
    }

    private static boolean compareAndSet(DSLContext tx, UUID id, RequestStateKind next, Map<Field<?>, Object> columns,
                                         Optional<ClaimToken> writer) {
        return tx.update(R).set(columns)
                .where(R.ID.eq(id))
                .and(RequestStates.in(R.STATE, RequestStates.allowedPriors(next)))
                .and(fence(writer))
                .execute() == 1;
    }

    /** PersistGuard's fence as a condition: outside the fenced states anything goes; inside, the claim must match. */
    private static Condition fence(Optional<ClaimToken> writer) {
        if (writer.isEmpty()) {
            return DSL.noCondition();
        }
        ClaimToken claim = writer.get();
        return RequestStates.in(R.STATE, RequestStates.wires(PersistGuard.FENCED_STATES)).not()
                .or(R.DAEMON_ID.eq(claim.daemonId().value()).and(R.CLAIMED_AT.eq(Sql.micros(claim.claimedAt()))));
    }

    // ------------------------------------------------------------------ fenced retry

    boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next) {
        Map<Field<?>, Object> columns = RequestStates.columns(R, next);
        Instant now = sql.now();
        return sql.transaction("reschedule request " + id, tx -> {
            UUID batchId = tx.update(R).set(columns)
                    .where(R.ID.eq(id.value()))
                    .and(RequestStates.is(R.STATE, RequestStateKind.PROCESSING))
                    .and(R.DAEMON_ID.eq(holder.daemonId().value()))
                    .and(R.CLAIMED_AT.eq(Sql.micros(holder.claimedAt())))
                    .returningResult(R.BATCH_ID)
                    .fetchOne(R.BATCH_ID);
            if (batchId == null) {
                return false;
            }
            // The request left flight: a cancelling batch may have been waiting for exactly this one.
            finalizer.settle(tx, batchId, CounterDelta.NONE, now);
            return true;
        });
    }

    // ------------------------------------------------------------------ per-id operations

    List<RequestOutcome> cancelRequests(List<RequestId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Instant now = sql.now();
        Map<Field<?>, Object> canceled = RequestStates.columns(R, new RequestState.Canceled(now));
        return sql.transaction("cancel requests", tx -> {
            Map<UUID, Current> before = lockAll(tx, ids);
            Map<UUID, CounterDelta> deltas = new TreeMap<>();
            List<UUID> canceledOriginals = new ArrayList<>();
            for (Current c : before.values()) {
                if (c.state().terminal()) {
                    continue;
                }
                if (compareAndSet(tx, c.id(), RequestStateKind.CANCELED, canceled, Optional.empty())) {
                    deltas.merge(c.batchId(), CounterDelta.of(c.state(), c.size(), RequestStateKind.CANCELED, 0, c.original()),
                            CounterDelta::plus);
                    if (c.original()) {
                        canceledOriginals.add(c.id());
                    }
                }
            }
            // A canceled original's racing copy would otherwise still produce a result for it.
            if (!canceledOriginals.isEmpty()) {
                List<Current> copies = tx.select(CURRENT).from(R)
                        .where(R.ESCALATED_FROM.in(canceledOriginals)).and(RequestStates.in(R.STATE, RequestStates.LIVE))
                        .orderBy(R.ID).forUpdate()
                        .fetch(Current::of);
                for (Current copy : copies) {
                    if (compareAndSet(tx, copy.id(), RequestStateKind.CANCELED, canceled, Optional.empty())) {
                        deltas.merge(copy.batchId(), CounterDelta.NONE, CounterDelta::plus);
                    }
                }
            }
            deltas.forEach((batchId, delta) -> finalizer.settle(tx, batchId, delta, now));
            List<RequestOutcome> outcomes = new ArrayList<>();
            for (RequestId id : ids) {
                Current c = before.get(id.value());
                if (c == null) {
                    outcomes.add(new RequestOutcome.NotFound(id));
                } else if (c.state().terminal()) {
                    outcomes.add(new RequestOutcome.NotApplicable(id, c.state()));
                } else {
                    outcomes.add(new RequestOutcome.Done(id));
                }
            }
            return outcomes;
        });
    }

    /**
     * Failed originals back to pending with attempt 0; their batches reopen (completion stamps cleared)
     * so they finalize again. Refused (NotApplicable) for copies and for batches that are cancelling,
     * cancelled, expired, failed or deleted.
     */
    List<RequestOutcome> retryFailedRequests(List<RequestId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Instant now = sql.now();
        Map<Field<?>, Object> pending = RequestStates.columns(R, RequestState.Pending.fresh());
        return sql.transaction("retry failed requests", tx -> {
            Map<UUID, Current> before = lockAll(tx, ids);
            Map<UUID, Boolean> retryable = new HashMap<>();
            for (Current c : before.values()) {
                retryable.computeIfAbsent(c.batchId(), batchId -> tx.fetchExists(B, B.ID.eq(batchId).and(reopenable(B))));
            }
            Map<UUID, CounterDelta> deltas = new TreeMap<>();
            Map<UUID, Boolean> retried = new HashMap<>();
            for (Current c : before.values()) {
                boolean applies = c.state() == RequestStateKind.FAILED && c.original() && retryable.get(c.batchId())
                        && explicitRetry(tx, c.id(), pending);
                retried.put(c.id(), applies);
                if (applies) {
                    deltas.merge(c.batchId(), CounterDelta.of(RequestStateKind.FAILED, c.size(), RequestStateKind.PENDING, 0, true),
                            CounterDelta::plus);
                }
            }
            deltas.forEach((batchId, delta) -> {
                finalizer.lockWith(tx, batchId, delta);
                reopen(tx, batchId);
            });
            List<RequestOutcome> outcomes = new ArrayList<>();
            for (RequestId id : ids) {
                Current c = before.get(id.value());
                if (c == null) {
                    outcomes.add(new RequestOutcome.NotFound(id));
                } else if (retried.get(c.id())) {
                    outcomes.add(new RequestOutcome.Done(id));
                } else {
                    outcomes.add(new RequestOutcome.NotApplicable(id, c.state()));
                }
            }
            return outcomes;
        });
    }

    /** One UPDATE moves every failed original of the batch back to pending (rows locked in id order). */
    long retryFailedRequestsForBatch(BatchId batchId) {
        UUID id = batchId.value();
        Map<Field<?>, Object> pending = RequestStates.columns(R, RequestState.Pending.fresh());
        return sql.transaction("retry failed requests of batch " + batchId, tx -> {
            Record batch = tx.select(B.ID, B.DELETED_AT, B.CANCELLING_AT, B.CANCELLED_AT, B.EXPIRED_AT, B.FAILED_AT).from(B)
                    .where(B.ID.eq(id)).fetchOne();
            if (batch == null || batch.get(B.DELETED_AT) != null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, batchId);
            }
            if (!BatchLifecycle.RETRIES.test(BatchRows.stamps(batch, B))) {
                throw new BatchStorageException.InvalidState("batch " + batchId + " is cancelled, expired or failed; its requests cannot be retried");
            }
            Requests failed = R.as("failed");
            // Materialized, so the locking query runs once (see LockedRows); it also keeps each row's old size.
            CommonTableExpression<Record2<UUID, Long>> locked = DSL.name("old").fields("id", "response_size")
                    .asMaterialized(DSL.select(failed.ID, failed.RESPONSE_SIZE).from(failed)
                            .where(failed.BATCH_ID.eq(id))
                            .and(RequestStates.is(failed.STATE, RequestStateKind.FAILED))
                            .and(failed.ESCALATED_FROM.isNull())
                            .orderBy(failed.ID)
                            .forUpdate());
            Field<UUID> lockedId = DSL.field(DSL.name("old", "id"), UUID.class);
            Field<Long> lockedSize = DSL.field(DSL.name("old", "response_size"), Long.class);
            List<Long> sizes = tx.with(locked)
                    .update(R).set(pending)
                    .from(DSL.table(DSL.name("old")))
                    .where(R.ID.eq(lockedId))
                    .and(RequestStates.is(R.STATE, RequestStateKind.FAILED))
                    .returningResult(lockedSize)
                    .fetch(lockedSize);
            if (sizes.isEmpty()) {
                return 0L;
            }
            long bytes = sizes.stream().mapToLong(Long::longValue).sum();
            long n = sizes.size();
            finalizer.lockWith(tx, id, new CounterDelta(0, -n, 0, 0, 0, -n, -bytes));
            reopen(tx, id);
            return n;
        });
    }

    /** The one write that bypasses PersistGuard: failed back to pending, compare-and-set on failed. */
    private static boolean explicitRetry(DSLContext tx, UUID id, Map<Field<?>, Object> pending) {
        return tx.update(R).set(pending)
                .where(R.ID.eq(id))
                .and(RequestStates.is(R.STATE, RequestStateKind.FAILED))
                .execute() == 1;
    }

    private static org.jooq.Condition reopenable(Batches b) {
        return BatchRows.holds(b, BatchLifecycle.RETRIES);
    }

    /** A retried batch is running again: it finalizes (and notifies) anew when its requests are done. */
    private static void reopen(DSLContext tx, UUID batchId) {
        tx.update(B)
                .setNull(B.FINALIZING_AT)
                .setNull(B.COMPLETED_AT)
                .setNull(B.NOTIFIED_AT)
                .where(B.ID.eq(batchId))
                .execute();
    }

    /** Locks the listed requests in id order and returns what they were. */
    private static Map<UUID, Current> lockAll(DSLContext tx, List<RequestId> ids) {
        List<UUID> distinct = new ArrayList<>(new LinkedHashSet<>(ids.stream().map(RequestId::value).toList()));
        Map<UUID, Current> found = new TreeMap<>();
        for (int from = 0; from < distinct.size(); from += LOOKUP_CHUNK) {
            List<UUID> chunk = distinct.subList(from, Math.min(distinct.size(), from + LOOKUP_CHUNK));
            tx.select(CURRENT).from(R).where(R.ID.in(chunk)).orderBy(R.ID).forUpdate()
                    .fetch(Current::of)
                    .forEach(c -> found.put(c.id(), c));
        }
        return found;
    }

    // ------------------------------------------------------------------ reads

    List<RequestLookup> getRequests(List<RequestId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        RequestView view = RequestView.DEFAULT;
        Map<UUID, BatchRequest> found = new HashMap<>();
        List<UUID> distinct = new ArrayList<>(new LinkedHashSet<>(ids.stream().map(RequestId::value).toList()));
        sql.read("get requests", () -> {
            for (int from = 0; from < distinct.size(); from += LOOKUP_CHUNK) {
                List<UUID> chunk = distinct.subList(from, Math.min(distinct.size(), from + LOOKUP_CHUNK));
                sql.dsl().select(view.fields()).from(view.from()).where(view.r().ID.in(chunk))
                        .fetch(view::request)
                        .forEach(r -> found.put(r.id().value(), r));
            }
            return null;
        });
        List<RequestLookup> lookups = new ArrayList<>(ids.size());
        for (RequestId id : ids) {
            BatchRequest request = found.get(id.value());
            lookups.add(request == null ? new RequestLookup.Missing(id) : new RequestLookup.Found(request));
        }
        return lookups;
    }
}
