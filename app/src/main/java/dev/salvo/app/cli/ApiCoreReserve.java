package dev.salvo.app.cli;

import java.util.Optional;

/**
 * Leaves one core to the HTTP API when a daemon shares its JVM ({@code salvo serve}).
 *
 * <p>Why: a draining daemon keeps every virtual-thread carrier busy, and the kernel then shares the
 * cores between those carriers and the API's request threads, so a {@code GET /v1/batches/{id}} waits
 * for a time slice behind batch work. With one carrier fewer than there are cores, the API (and the
 * garbage collector, and the store's writer threads) find a core free; measured on 2 cores, the drain
 * rate did not change and the poll p99 fell from 21–27 ms to 16–17 ms (docs/PERFORMANCE.md).
 *
 * <p>Must run before the first virtual thread exists (the scheduler reads the property once), so
 * commands call it first. An operator's own {@code -Djdk.virtualThreadScheduler.parallelism} wins.
 */
final class ApiCoreReserve {

    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private ApiCoreReserve() {
    }

    /** The carrier count it set, or empty when it left the JVM's default (one core, or the operator chose). */
    static Optional<Integer> apply(int cores) {
        if (System.getProperty(PARALLELISM) != null || cores < 2) {
            return Optional.empty();
        }
        int carriers = cores - 1;
        System.setProperty(PARALLELISM, Integer.toString(carriers));
        return Optional.of(carriers);
    }
}
