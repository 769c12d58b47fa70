package dev.salvo.conformance.batch;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.daemon.DaemonStorage;
import java.util.Objects;

/**
 * The two ports of one backend instance, over the same data (stale-claim recovery reads the daemon
 * registry). {@code resource} is closed after each test if it is {@link AutoCloseable}; it may be one
 * of the two stores or a separate handle (a connection pool).
 */
public record BatchStores(BatchStorage batches, DaemonStorage daemons, Object resource) {

    public BatchStores {
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(daemons, "daemons");
    }

    /** Both ports implemented by one object. */
    public static <S extends BatchStorage & DaemonStorage> BatchStores of(S store) {
        return new BatchStores(store, store, store);
    }
}
