package dev.salvo.core.batch;

/**
 * Port: files of request templates, batches, their requests and the request state machine — what the
 * batch daemon and the Files/Batches API stand on. The union of both fusillade versions' operations
 * (seeds 000 and 002) with the fixes fusillade learned in production adopted from the start; see
 * docs/batch-storage.md for the semantics every adapter shares and who calls each operation.
 *
 * <p>It is split by caller, so each side sees only what it uses: {@link BatchCatalog} (the API),
 * {@link RequestQueue} (the daemon's request work) and {@link BatchMaintenance} (sweeps and the views of
 * what waits). An adapter implements this whole interface. Implementations are thread-safe and, where
 * they declare it, safe for several processes.
 */
public interface BatchStorage extends BatchCatalog, RequestQueue, BatchMaintenance {
}
