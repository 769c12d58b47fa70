package dev.salvo.storage.postgres.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Runs work in one READ COMMITTED transaction on a pooled connection. For this module's adapters only.
 *
 * <p>Why not {@code DSLContext.transactionResult}: jOOQ's default transaction provider asks the
 * connection for its isolation level at every begin, and the PostgreSQL driver answers
 * {@code getTransactionIsolation()} with a {@code SHOW TRANSACTION ISOLATION LEVEL} round trip — a
 * whole extra statement per transaction on the hottest path (every request result). Here the
 * transaction only flips auto-commit, which the driver does locally (its BEGIN rides along with the
 * first statement), so a transaction costs its statements plus the COMMIT. The pool keeps the
 * server's default isolation, READ COMMITTED, which every adapter here is written for. Nesting is not
 * supported (and not used).
 */
public final class Transactions {

    private Transactions() {
    }

    /** Thrown when COMMIT itself failed: the transaction may or may not have been applied. */
    public static final class CommitFailed extends DataAccessException {
        public CommitFailed(SQLException cause) {
            super("commit failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Commits what {@code work} did, or rolls it back if it throws (the exception propagates unchanged).
     * A failed COMMIT surfaces as {@link CommitFailed}; other database failures as jOOQ's
     * {@link DataAccessException}.
     */
    public static <T> T run(DSLContext dsl, Function<DSLContext, T> work) {
        ConnectionProvider connections = dsl.configuration().connectionProvider();
        Connection connection = connections.acquire();
        try {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.apply(DSL.using(dsl.configuration().derive(connection)));
            } catch (RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                rollback(connection, e);
                throw new CommitFailed(e);
            }
            return result;
        } catch (SQLException e) {
            throw new DataAccessException("transaction failed: " + e.getMessage(), e);
        } finally {
            try {
                // Back to the pool's default; the driver does this locally when no transaction is open.
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // A broken connection: the pool finds out by itself and replaces it.
            }
            connections.release(connection);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
