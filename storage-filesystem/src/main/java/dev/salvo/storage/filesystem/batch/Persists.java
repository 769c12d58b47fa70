package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RacingPair;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import java.util.Optional;

/** Request state writes: persist under {@link PersistGuard} with racing-twin supersession, and the fenced retry. */
final class Persists {

    private Persists() {
    }

    /**
     * One attempt at a persist, with the store's lock held. Answers the {@link PersistResult}, or — for a
     * completed or failed state whose custom id is neither known in memory nor supplied — the request's
     * location with nothing changed, so the caller can read the custom id without the lock and try again.
     */
    static Object attempt(Tx tx, StoreState state, BatchRequest request, Optional<ClaimToken> writer,
                          boolean customIdGiven, String givenCustomId, long now) {
        StoreState.Located located = state.require(request.id());
        BatchEntry batch = located.batch();
        RequestTable table = located.table();
        int ordinal = located.ordinal();
        RequestState next = request.state();
        RequestStateKind nextKind = next.kind();
        RequestStateKind current = table.kind(ordinal);
        PersistGuard.Verdict verdict = PersistGuard.verdict(current, claim(state, table, ordinal), nextKind, writer);
        int twin = table.twin(ordinal);
        if (verdict == PersistGuard.Verdict.APPLY && twin >= 0 && RacingPair.resultDropped(nextKind, table.kind(twin))) {
            verdict = PersistGuard.Verdict.DROP;
        }
        if (verdict != PersistGuard.Verdict.APPLY) {
            return verdict.refusal(current);
        }
        String customId = givenCustomId;
        if (nextKind == RequestStateKind.COMPLETED || nextKind == RequestStateKind.FAILED) {
            if (table.knowsCustomId(ordinal)) {
                customId = table.knownCustomId(ordinal);
            } else if (!customIdGiven) {
                return located;
            }
        }
        tx.apply(batch, new Effect.Write(ordinal, stateWrite(tx, batch, ordinal, next, customId)));
        Optional<RequestId> superseded = Optional.empty();
        if (nextKind == RequestStateKind.COMPLETED && twin >= 0 && RacingPair.supersedes(table.kind(twin))) {
            tx.apply(batch, new Effect.Supersede(twin, now, ordinal));
            superseded = Optional.of(DerivedIds.request(batch.id, twin));
        }
        Lifecycle.settle(tx, batch, now);
        return new PersistResult.Applied(superseded);
    }

    /** Fenced: applies only while the request is processing under {@code holder}'s claim. */
    static boolean reschedule(Tx tx, StoreState state, RequestId id, ClaimToken holder, RequestState.Pending next, long now) {
        StoreState.Located located = state.locate(id);
        if (located == null) {
            return false;
        }
        RequestTable table = located.table();
        int ordinal = located.ordinal();
        if (table.kindCode(ordinal) != RequestTable.PROCESSING || !claim(state, table, ordinal).equals(Optional.of(holder))) {
            return false;
        }
        tx.apply(located.batch(), new Effect.Write(ordinal, stateWrite(tx, located.batch(), ordinal, next, null)));
        Lifecycle.settle(tx, located.batch(), now);
        return true;
    }

    /** The claim a request is held under, if it is claimed or processing. */
    private static Optional<ClaimToken> claim(StoreState state, RequestTable table, int ordinal) {
        int daemon = table.daemon(ordinal);
        if (!table.kind(ordinal).inFlight() || daemon < 0) {
            return Optional.empty();
        }
        return Optional.of(new ClaimToken(state.daemons.value(daemon), Nanos.toInstant(table.claimedAt(ordinal))));
    }

    /** The stored form of a state; completed and failed ones get a result record reserved in the log. */
    private static Effect.StateWrite stateWrite(Tx tx, BatchEntry batch, int ordinal, RequestState state, String customId) {
        return switch (state) {
            case RequestState.Pending p -> new Effect.StateWrite(RequestStateKind.PENDING, p.retryAttempt(),
                    Nanos.of(p.notBefore()), null, Nanos.NONE, Nanos.NONE, Nanos.NONE, -1, 0, 0, null);
            case RequestState.Claimed c -> new Effect.StateWrite(RequestStateKind.CLAIMED, c.retryAttempt(), Nanos.NONE,
                    c.daemonId(), Nanos.of(c.claimedAt()), Nanos.NONE, Nanos.NONE, -1, 0, 0, null);
            case RequestState.Processing p -> new Effect.StateWrite(RequestStateKind.PROCESSING, p.retryAttempt(),
                    Nanos.NONE, p.daemonId(), Nanos.of(p.claimedAt()), Nanos.of(p.startedAt()), Nanos.NONE, -1, 0, 0, null);
            case RequestState.Completed c -> {
                byte[] record = ResultCodec.encode(new ResultCodec.Completion(ordinal, customId, c.responseStatus(),
                        c.routedModel(), c.responseBody()));
                long offset = tx.reserveResult(batch, record);
                yield new Effect.StateWrite(RequestStateKind.COMPLETED, 0, Nanos.NONE, null, Nanos.of(c.claimedAt()),
                        Nanos.of(c.startedAt()), Nanos.of(c.completedAt()), offset, record.length,
                        TemplateCodec.utf8Length(c.responseBody()), null);
            }
            case RequestState.Failed f -> {
                byte[] record = ResultCodec.encode(new ResultCodec.Failure(ordinal, customId, f.routedModel(), f.reason()));
                long offset = tx.reserveResult(batch, record);
                yield new Effect.StateWrite(RequestStateKind.FAILED, f.retryAttempt(), Nanos.NONE, null, Nanos.NONE,
                        Nanos.NONE, Nanos.of(f.failedAt()), offset, record.length,
                        TemplateCodec.utf8Length(f.reason().message()), null);
            }
            case RequestState.Canceled c -> new Effect.StateWrite(RequestStateKind.CANCELED, 0, Nanos.NONE, null,
                    Nanos.NONE, Nanos.NONE, Nanos.of(c.canceledAt()), -1, 0, 0, null);
            case RequestState.Superseded s -> new Effect.StateWrite(RequestStateKind.SUPERSEDED, 0, Nanos.NONE, null,
                    Nanos.NONE, Nanos.NONE, Nanos.of(s.supersededAt()), -1, 0, 0, s.supersededBy());
        };
    }
}
