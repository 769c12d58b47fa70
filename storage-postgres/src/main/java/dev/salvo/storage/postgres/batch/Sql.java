package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.storage.postgres.tx.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * What every part of the adapter shares: the jOOQ context, the clock, and the one way to run SQL so
 * that database failures surface as {@link BatchStorageException.Backend} and lock-order conflicts are
 * retried instead of reaching the caller.
 */
final class Sql {

    /** PostgreSQL's deadlock_detected and serialization_failure: the whole transaction may simply be run again. */
    private static final String DEADLOCK = "40P01";
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final int MAX_ATTEMPTS = 5;

    private final DSLContext dsl;
    private final Clock clock;

    Sql(DSLContext dsl, Clock clock) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    DSLContext dsl() {
        return dsl;
    }

    /**
     * The adapter's notion of now, truncated to PostgreSQL's microsecond precision so that what is
     * written reads back equal. Every statement receives it as a bind value; none calls now().
     */
    Instant now() {
        return micros(clock.instant());
    }

    static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** A read or a single autocommitted statement. */
    <T> T read(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw backend(action, e);
        }
    }

    /**
     * One transaction. Rows are locked in a fixed order (requests by id, then their batch), but a few
     * multi-row statements cannot promise an order; PostgreSQL then aborts one side of a deadlock, and
     * that side is simply run again. Domain exceptions thrown by {@code work} roll back and propagate.
     */
    <T> T transaction(String action, Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Transactions.run(dsl, work);
            } catch (DataAccessException e) {
                if (attempt < MAX_ATTEMPTS && retriable(e) && !(e instanceof Transactions.CommitFailed)) {
                    continue;
                }
                throw backend(action, e);
            }
        }
    }

    /** One transaction that is never re-run, for work that consumes something it cannot replay (a caller's iterator). */
    <T> T transactionOnce(String action, Function<DSLContext, T> work) {
        try {
            return Transactions.run(dsl, work);
        } catch (DataAccessException e) {
            throw backend(action, e);
        }
    }

    /**
     * A single autocommitted statement that may lock several rows in an order it cannot promise; on a
     * deadlock PostgreSQL rolls back just that statement, which is then simply run again.
     */
    <T> T statement(String action, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (DataAccessException e) {
                if (attempt < MAX_ATTEMPTS && retriable(e)) {
                    continue;
                }
                throw backend(action, e);
            }
        }
    }

    /** JDBC work on a connection; SQLExceptions are turned into jOOQ's, so retries and error mapping see them. */
    @FunctionalInterface
    interface JdbcWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on the connection behind {@code ctx}: the transaction's own inside
     * {@link #transaction}, a pooled one otherwise.
     *
     * <p>Why plain JDBC at all: the hottest statements (the claim, group writes, the batch-row counter
     * update) have fixed text. jOOQ would build and render them anew on every call — measured as most of the
     * adapter's client CPU on the request path — while a fixed string lets the driver keep the statement
     * prepared per connection and the server skip parsing and planning.
     */
    static <T> T jdbc(DSLContext ctx, JdbcWork<T> work) {
        ConnectionProvider connections = ctx.configuration().connectionProvider();
        Connection connection = connections.acquire();
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new DataAccessException(e.getMessage(), e);
        } finally {
            connections.release(connection);
        }
    }

    private static boolean retriable(DataAccessException e) {
        String state = e.sqlState();
        return DEADLOCK.equals(state) || SERIALIZATION_FAILURE.equals(state);
    }

    private static BatchStorageException backend(String action, DataAccessException e) {
        return new BatchStorageException.Backend(action + " failed: " + e.sqlState(), e);
    }
}
