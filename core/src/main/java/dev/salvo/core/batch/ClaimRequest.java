package dev.salvo.core.batch;

import dev.salvo.core.daemon.DaemonId;
import java.util.Map;
import java.util.Objects;

/**
 * One claim cycle of a daemon.
 *
 * @param limit             at most this many requests in total
 * @param capacity          free slots per model; only models listed with a positive value are claimed,
 *                          and never more than their value
 * @param userActiveCounts  requests each batch owner has in flight on this daemon (per-user fairness)
 * @param urgencyWeight     0 = fairness between users first, 1 = earliest deadline first
 */
public record ClaimRequest(int limit, DaemonId daemonId, Map<String, Integer> capacity,
                           Map<String, Integer> userActiveCounts, double urgencyWeight) {

    public ClaimRequest {
        Objects.requireNonNull(daemonId, "daemonId");
        capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
        userActiveCounts = userActiveCounts == null ? Map.of() : Map.copyOf(userActiveCounts);
        if (limit < 0) {
            throw new BatchStorageException.Validation("claim limit must not be negative");
        }
        if (!(urgencyWeight >= 0 && urgencyWeight <= 1)) {
            throw new BatchStorageException.Validation("urgencyWeight must be within 0..1");
        }
    }

    public static ClaimRequest of(int limit, DaemonId daemonId, Map<String, Integer> capacity) {
        return new ClaimRequest(limit, daemonId, capacity, Map.of(), 0.5);
    }
}
