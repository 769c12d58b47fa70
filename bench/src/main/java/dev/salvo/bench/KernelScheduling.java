package dev.salvo.bench;

import dev.salvo.app.config.HostSchedulingAdvice;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The one kernel setting that changes the PostgreSQL poll latency figures threefold, printed with
 * every run so that a reader can tell which setting a figure was measured under.
 *
 * <p>With Linux's autogroup on, every session gets its own CPU scheduling group, and PostgreSQL starts
 * each backend in a session of its own: on a busy host each backend competes as a group against the
 * whole Salvo JVM, and backends waited 15–45 ms for a core again and again in {@code perf sched}
 * traces (docs/PERFORMANCE.md, "The Files and Batches API").
 */
final class KernelScheduling {

    private KernelScheduling() {
    }

    static String describe() {
        try {
            String value = Files.readString(HostSchedulingAdvice.AUTOGROUP).strip();
            return "kernel.sched_autogroup_enabled = " + value
                    + ("1".equals(value) ? " (PostgreSQL figures suffer: see docs/PERFORMANCE.md)" : "");
        } catch (IOException | RuntimeException e) {
            return "kernel.sched_autogroup_enabled: not available here";
        }
    }
}
