package dev.salvo.daemon.metrics;

import java.time.Duration;
import java.util.function.ToIntFunction;

/**
 * What the daemon reports as it works. The application binds it to Micrometer (Prometheus); the daemon
 * itself stays free of any metrics library. Implementations must be thread-safe and cheap.
 */
public interface DaemonMetrics {

    DaemonMetrics NONE = new DaemonMetrics() {
    };

    /** Called once at start with a view of the in-flight count per model, for a gauge. */
    default void registerInFlight(Iterable<String> models, ToIntFunction<String> inFlight) {
    }

    default void completed(String model, Duration upstreamLatency) {
    }

    default void failed(String model, String reasonCode) {
    }

    default void retried(String model, String reasonCode) {
    }

    default void claimed(int count, Duration took) {
    }

    default void claimFailed() {
    }

    default void staleReclaimed(long count) {
    }

    default void escalated(String model, long count) {
    }

    default void purged(long rows) {
    }

    /** A batch became completed, failed or expired (announced once across every daemon). */
    default void batchFinished(String status) {
    }

    default void heartbeatFailed() {
    }
}
