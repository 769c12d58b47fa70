package dev.salvo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one kernel setting that changes the PostgreSQL latency figures by a factor of four, printed with
 * every run so that a reader can tell which setting a figure was measured under.
 *
 * <p>With Linux's autogroup on, every session gets its own CPU scheduling group, and PostgreSQL starts
 * each backend in a session of its own: on a busy host each backend competes as a group against the
 * whole Salvo JVM, and a backend answering a poll waited 15–45 ms for a core in {@code perf sched}
 * traces (docs/PERFORMANCE.md, "Serving while batches drain").
 */
final class KernelScheduling {

    private static final Path AUTOGROUP = Path.of("/proc/sys/kernel/sched_autogroup_enabled");

    private KernelScheduling() {
    }

    static String describe() {
        try {
            String value = Files.readString(AUTOGROUP).strip();
            return "kernel.sched_autogroup_enabled = " + value
                    + ("1".equals(value) ? " (PostgreSQL figures suffer: see docs/PERFORMANCE.md)" : "");
        } catch (IOException | RuntimeException e) {
            return "kernel.sched_autogroup_enabled: not available here";
        }
    }
}
