package dev.salvo.core.daemon;

import java.time.Instant;
import java.util.Objects;

/** A daemon's lifecycle: initializing → running (heartbeats) → dead. */
public sealed interface DaemonState {

    Instant startedAt();

    DaemonStatus status();

    record Initializing(Instant startedAt) implements DaemonState {
        public Initializing {
            Objects.requireNonNull(startedAt, "startedAt");
        }

        public DaemonStatus status() {
            return DaemonStatus.INITIALIZING;
        }

        public Running start(Instant now) {
            return new Running(startedAt, now, DaemonStats.ZERO);
        }
    }

    record Running(Instant startedAt, Instant lastHeartbeat, DaemonStats stats) implements DaemonState {
        public Running {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
            Objects.requireNonNull(stats, "stats");
        }

        public DaemonStatus status() {
            return DaemonStatus.RUNNING;
        }

        public Running heartbeat(DaemonStats newStats, Instant now) {
            return new Running(startedAt, now, newStats);
        }

        public Dead shutdown(Instant now) {
            return new Dead(startedAt, now, stats);
        }
    }

    record Dead(Instant startedAt, Instant stoppedAt, DaemonStats finalStats) implements DaemonState {
        public Dead {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(stoppedAt, "stoppedAt");
            Objects.requireNonNull(finalStats, "finalStats");
        }

        public DaemonStatus status() {
            return DaemonStatus.DEAD;
        }
    }
}
