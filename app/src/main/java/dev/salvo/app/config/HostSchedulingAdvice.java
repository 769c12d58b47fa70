package dev.salvo.app.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Warns at start when PostgreSQL runs on this host while the kernel's autogroup is on.
 *
 * <p>Why: with {@code kernel.sched_autogroup_enabled = 1} every session is a scheduling group of its own,
 * and PostgreSQL starts each backend in a new session, so on a busy host every backend competes for the
 * CPU against the whole Salvo JVM. During a full-speed drain on 2 cores that tripled the p99 of
 * {@code GET /v1/batches/{id}} (47–59 ms against 16–19 ms, docs/PERFORMANCE.md). Turning autogroup off is
 * the usual advice for PostgreSQL hosts; it is a host setting, so Salvo only says so.
 */
public final class HostSchedulingAdvice {

    public static final Path AUTOGROUP = Path.of("/proc/sys/kernel/sched_autogroup_enabled");

    private static final Set<String> LOCAL_HOSTS = Set.of("", "localhost", "127.0.0.1", "::1", "[::1]");

    private HostSchedulingAdvice() {
    }

    /** The warning to log, if the configured store is a PostgreSQL on this host and {@code autogroup} reads 1. */
    public static Optional<String> check(SalvoConfig config, Path autogroup) {
        if (!"postgres".equals(config.getOrDefault(ConfigKeys.STORAGE_BACKEND, ""))) {
            return Optional.empty();
        }
        Optional<String> host = config.get(ConfigKeys.PG_URL).flatMap(HostSchedulingAdvice::host);
        if (host.isEmpty() || !LOCAL_HOSTS.contains(host.get().toLowerCase(Locale.ROOT)) || !enabled(autogroup)) {
            return Optional.empty();
        }
        return Optional.of("PostgreSQL runs on this host and the kernel's autogroup is on (" + autogroup
                + " = 1): each PostgreSQL backend then competes for the CPU as a group of its own, which tripled the API's"
                + " tail latency during drains in our measurements. Set kernel.sched_autogroup_enabled=0"
                + " (README, 'Running on PostgreSQL').");
    }

    /** The host of a {@code jdbc:postgresql:} URL; "" when it names none (the driver then uses localhost). */
    static Optional<String> host(String jdbcUrl) {
        String prefix = "jdbc:postgresql:";
        if (!jdbcUrl.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        String rest = jdbcUrl.substring(prefix.length());
        if (!rest.startsWith("//")) {
            return Optional.of("");
        }
        try {
            String authority = URI.create("postgresql:" + rest).getRawAuthority();
            if (authority == null) {
                return Optional.of("");
            }
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1).split(",")[0];
            if (hostPort.startsWith("[")) {
                return Optional.of(hostPort.substring(0, hostPort.indexOf(']') + 1));
            }
            int colon = hostPort.indexOf(':');
            return Optional.of(colon < 0 ? hostPort : hostPort.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the store reports a malformed URL itself
        }
    }

    private static boolean enabled(Path autogroup) {
        try {
            return "1".equals(Files.readString(autogroup).strip());
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or not readable: nothing to advise
        }
    }
}
