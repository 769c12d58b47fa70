package dev.salvo.core.daemon;

import java.util.Objects;

/** A daemon as the registry stores it. */
public record DaemonRecord(DaemonData data, DaemonState state) {

    public DaemonRecord {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(state, "state");
    }

    public DaemonId id() {
        return data.id();
    }

    public DaemonRecord withState(DaemonState next) {
        return new DaemonRecord(data, next);
    }
}
