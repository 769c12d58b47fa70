package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchStorageException;
import java.time.Instant;

/**
 * Instants as epoch nanoseconds in a {@code long}, with {@link #NONE} for null: the per-request state
 * arrays keep millions of timestamps, and a primitive costs 8 bytes where an {@code Instant} costs 24
 * plus a reference. Nanoseconds keep whatever precision the caller's clock gave, byte for byte.
 */
final class Nanos {

    static final long NONE = Long.MIN_VALUE;
    private static final long PER_SECOND = 1_000_000_000L;

    private Nanos() {
    }

    static long of(Instant instant) {
        if (instant == null) {
            return NONE;
        }
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), PER_SECOND), instant.getNano());
        } catch (ArithmeticException e) {
            throw new BatchStorageException.Validation("timestamp out of the storable range: " + instant);
        }
    }

    static Instant toInstant(long nanos) {
        if (nanos == NONE) {
            return null;
        }
        return Instant.ofEpochSecond(Math.floorDiv(nanos, PER_SECOND), Math.floorMod(nanos, PER_SECOND));
    }
}
