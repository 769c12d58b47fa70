package dev.salvo.core.daemon;

import java.util.Objects;

/**
 * A daemon process's identity.
 *
 * @param configSnapshot the daemon's configuration as JSON, secrets removed
 */
public record DaemonData(DaemonId id, String hostname, long pid, String version, String configSnapshot) {

    public DaemonData {
        Objects.requireNonNull(id, "id");
        hostname = hostname == null ? "unknown" : hostname;
        version = version == null ? "dev" : version;
        configSnapshot = configSnapshot == null ? "{}" : configSnapshot;
    }
}
