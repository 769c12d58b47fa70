package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Request states to and from the columns of {@code requests}. */
final class RequestStates {

    static final List<String> LIVE = wires(RequestStateKind.PENDING, RequestStateKind.CLAIMED, RequestStateKind.PROCESSING);
    static final List<String> IN_FLIGHT = wires(RequestStateKind.CLAIMED, RequestStateKind.PROCESSING);

    private RequestStates() {
    }

    static List<String> wires(RequestStateKind... kinds) {
        return Arrays.stream(kinds).map(RequestStateKind::wire).toList();
    }

    static List<String> wires(Collection<RequestStateKind> kinds) {
        return kinds.stream().map(RequestStateKind::wire).toList();
    }

    /**
     * {@code state IN (…)} with the states as literals. They are constants of the domain, and only
     * literals let the planner match the partial indexes (state = 'pending', claimed/processing, …): a
     * prepared statement's generic plan cannot prove that {@code state IN ($1, $2)} implies an index
     * predicate, and then walks whole indexes or the table instead.
     */
    static Condition in(Field<String> state, Collection<String> wires) {
        return state.in(wires.stream().map(DSL::inline).toList());
    }

    /** {@code state = '…'} as a literal; see {@link #in}. */
    static Condition is(Field<String> state, RequestStateKind kind) {
        return state.eq(DSL.inline(kind.wire()));
    }

    static RequestStateKind kind(String wire) {
        return RequestStateKind.parse(wire);
    }

    /** The states from which {@link PersistGuard} lets a write move a request to {@code next}: the compare-and-set's expected priors. */
    static List<String> allowedPriors(RequestStateKind next) {
        List<String> priors = new ArrayList<>();
        for (RequestStateKind current : RequestStateKind.values()) {
            if (PersistGuard.applies(current, next)) {
                priors.add(current.wire());
            }
        }
        return priors;
    }

    /**
     * Every state-dependent column, set from {@code state} and cleared otherwise, so a row never keeps
     * a previous state's leftovers (fusillade left old errors on retried rows). {@code retry_attempt}
     * is only written by states that carry it.
     */
    static Map<Field<?>, Object> columns(Requests r, RequestState state) {
        Map<Field<?>, Object> c = new LinkedHashMap<>();
        c.put(r.STATE, state.kind().wire());
        c.put(r.NOT_BEFORE, null);
        c.put(r.DAEMON_ID, null);
        c.put(r.CLAIMED_AT, null);
        c.put(r.STARTED_AT, null);
        c.put(r.RESPONSE_STATUS, null);
        c.put(r.RESPONSE_BODY, null);
        c.put(r.COMPLETED_AT, null);
        c.put(r.ROUTED_MODEL, null);
        c.put(r.ERROR, null);
        c.put(r.FAILED_AT, null);
        c.put(r.CANCELED_AT, null);
        c.put(r.SUPERSEDED_AT, null);
        c.put(r.SUPERSEDED_BY, null);
        c.put(r.RESPONSE_SIZE, resultSize(state));
        switch (state) {
            case RequestState.Pending p -> {
                c.put(r.RETRY_ATTEMPT, p.retryAttempt());
                c.put(r.NOT_BEFORE, Sql.micros(p.notBefore()));
            }
            case RequestState.Claimed s -> {
                c.put(r.RETRY_ATTEMPT, s.retryAttempt());
                c.put(r.DAEMON_ID, s.daemonId().value());
                c.put(r.CLAIMED_AT, Sql.micros(s.claimedAt()));
            }
            case RequestState.Processing s -> {
                c.put(r.RETRY_ATTEMPT, s.retryAttempt());
                c.put(r.DAEMON_ID, s.daemonId().value());
                c.put(r.CLAIMED_AT, Sql.micros(s.claimedAt()));
                c.put(r.STARTED_AT, Sql.micros(s.startedAt()));
            }
            case RequestState.Completed s -> {
                c.put(r.RESPONSE_STATUS, s.responseStatus());
                c.put(r.RESPONSE_BODY, TextColumns.storable(s.responseBody(), "response body"));
                c.put(r.CLAIMED_AT, Sql.micros(s.claimedAt()));
                c.put(r.STARTED_AT, Sql.micros(s.startedAt()));
                c.put(r.COMPLETED_AT, Sql.micros(s.completedAt()));
                c.put(r.ROUTED_MODEL, s.routedModel());
            }
            case RequestState.Failed s -> {
                c.put(r.RETRY_ATTEMPT, s.retryAttempt());
                c.put(r.ERROR, FailureReasonJson.encode(s.reason()));
                c.put(r.FAILED_AT, Sql.micros(s.failedAt()));
                c.put(r.ROUTED_MODEL, s.routedModel());
            }
            case RequestState.Canceled s -> c.put(r.CANCELED_AT, Sql.micros(s.canceledAt()));
            case RequestState.Superseded s -> {
                c.put(r.SUPERSEDED_AT, Sql.micros(s.supersededAt()));
                c.put(r.SUPERSEDED_BY, s.supersededBy().value());
            }
        }
        return c;
    }

    /** What the row adds to its batch's virtual output or error file (see {@code VirtualFileSize}). */
    static long resultSize(RequestState state) {
        return switch (state) {
            case RequestState.Completed s -> utf8Length(s.responseBody());
            case RequestState.Failed s -> utf8Length(s.reason().message());
            default -> 0;
        };
    }

    static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    static RequestState read(Record row, Requests r) {
        RequestStateKind kind = kind(row.get(r.STATE));
        int attempt = row.get(r.RETRY_ATTEMPT);
        return switch (kind) {
            case PENDING -> new RequestState.Pending(attempt, row.get(r.NOT_BEFORE));
            case CLAIMED -> new RequestState.Claimed(daemon(row, r), row.get(r.CLAIMED_AT), attempt);
            case PROCESSING -> new RequestState.Processing(daemon(row, r), row.get(r.CLAIMED_AT), row.get(r.STARTED_AT), attempt);
            case COMPLETED -> new RequestState.Completed(row.get(r.RESPONSE_STATUS), row.get(r.RESPONSE_BODY),
                    row.get(r.CLAIMED_AT), row.get(r.STARTED_AT), row.get(r.COMPLETED_AT), row.get(r.ROUTED_MODEL));
            case FAILED -> new RequestState.Failed(FailureReasonJson.decode(row.get(r.ERROR)), row.get(r.FAILED_AT), attempt,
                    row.get(r.ROUTED_MODEL));
            case CANCELED -> new RequestState.Canceled(row.get(r.CANCELED_AT));
            case SUPERSEDED -> new RequestState.Superseded(row.get(r.SUPERSEDED_AT), new RequestId(row.get(r.SUPERSEDED_BY)));
        };
    }

    private static DaemonId daemon(Record row, Requests r) {
        if (row.get(r.DAEMON_ID) == null) {
            throw new BatchStorageException.Backend("request " + row.get(r.ID) + " is in flight without a daemon", null);
        }
        return new DaemonId(row.get(r.DAEMON_ID));
    }
}
