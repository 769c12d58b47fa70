package dev.salvo.conformance.batch;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.daemon.DaemonStorage;
import java.util.Objects;

/**
 * The two ports of one backend instance, over the same data (stale-claim recovery reads the daemon
 * registry): what the batch contracts' factory hook returns. {@code resource} is what {@link #close()} closes
 * if it is {@link AutoCloseable}; it may be one of the two stores or a separate handle (a connection pool).
 */
@SuppressWarnings("try")   // close() throws whatever the resource's close() throws
public record BatchStores(BatchStorage batches, DaemonStorage daemons, Object resource) implements AutoCloseable {

    public BatchStores {
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(daemons, "daemons");
    }

    /** Both ports implemented by one object. */
    public static <S extends BatchStorage & DaemonStorage> BatchStores of(S store) {
        return new BatchStores(store, store, store);
    }

    /** Closes {@code resource} if it is {@link AutoCloseable}; the contract calls this after each test. */
    @Override
    public void close() throws Exception {
        if (resource instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
