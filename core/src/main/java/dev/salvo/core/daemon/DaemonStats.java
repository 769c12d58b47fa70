package dev.salvo.core.daemon;

/** What a daemon reports with each heartbeat. */
public record DaemonStats(long requestsProcessed, long requestsFailed, long requestsInFlight) {

    public static final DaemonStats ZERO = new DaemonStats(0, 0, 0);
}
