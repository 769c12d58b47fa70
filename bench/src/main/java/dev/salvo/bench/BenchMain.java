package dev.salvo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the storage benchmarks and prints one Markdown table row per adapter and scenario.
 *
 * <pre>
 * java -Xmx256m -jar bench/target/salvo-bench.jar [--adapters memory,filesystem,postgres]
 *      [--scenarios ingest,cycle,drain,noop,concurrency,upload,poll] [--poll-rate 200] [--lines 50000] [--body-bytes 2000] [--requests 100000] [--workers 8]
 *      [--in-flight 2000] [--drain-in-flight 256] [--noop-in-flight 256] [--warmup 20000] [--upstream-process false]
 * </pre>
 *
 * <p>{@code --warmup N}: before the drain and the concurrency scenarios, drain N requests through a
 * throwaway memory store, unmeasured and shaped like the measured run, so that the first adapter measured
 * does not pay for the JIT compiling the shared path (without it the first adapter of a drain came out
 * ~30% slower than the same adapter run second, which made memory look slower than filesystem).
 * {@code --upstream-process true}: the loopback upstream runs in a child JVM instead of this one.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        List<String> adapters = List.of(options.getOrDefault("adapters", String.join(",", BenchBackends.NAMES)).split(","));
        List<String> scenarios = List.of(options.getOrDefault("scenarios", "ingest,cycle").split(","));
        int lines = Integer.parseInt(options.getOrDefault("lines", "50000"));
        int bodyBytes = Integer.parseInt(options.getOrDefault("body-bytes", "2000"));
        int requests = Integer.parseInt(options.getOrDefault("requests", "100000"));
        int workers = Integer.parseInt(options.getOrDefault("workers", "8"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "20000"));
        boolean upstreamProcess = Boolean.parseBoolean(options.getOrDefault("upstream-process", "false"));
        int drainInFlight = Integer.parseInt(options.getOrDefault("drain-in-flight", "256"));

        System.out.printf("JVM %s, %d cores, max heap %d MB%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                HeapWatch.maxHeapBytes() >> 20);
        System.out.println(KernelScheduling.describe());
        System.out.println();
        List<String> rows = new ArrayList<>();
        for (String adapter : adapters) {
            if (scenarios.contains("ingest")) {
                try (BenchBackend backend = BenchBackends.open(adapter)) {
                    IngestBench.Result r = IngestBench.run(backend.storage(), lines, bodyBytes);
                    rows.add(String.format("| %s | ingest %d lines, %.0f MB | %.1f MB/s (peak heap %d MB) | stream back %.1f MB/s (peak heap %d MB) |",
                            adapter, lines, r.bytes() / 1e6, r.ingestMbPerSecond(), r.ingestPeakHeap() >> 20,
                            r.streamMbPerSecond(), r.streamPeakHeap() >> 20));
                    System.out.println(rows.getLast());
                }
            }
            if (scenarios.contains("cycle") && adapter.equals("postgres")) {
                try (BenchBackend backend = BenchBackends.open(adapter)) {
                    StorageCycleBench.Result raw = RawSqlCycleBench.run(backend.storage(), BenchBackends.dataSource(backend),
                            requests, workers, 100);
                    rows.add(String.format("| postgres (raw JDBC, same statements' core) | storage cycle %d requests, %d workers | %.0f requests/s | %.1f s |",
                            requests, workers, raw.requestsPerSecond(), raw.seconds()));
                    System.out.println(rows.getLast());
                }
            }
            if (scenarios.contains("cycle")) {
                try (BenchBackend backend = BenchBackends.open(adapter)) {
                    StorageCycleBench.Result r = StorageCycleBench.run(backend.storage(), backend.clock(), requests, workers, 100);
                    rows.add(String.format("| %s | storage cycle %d requests, %d workers | %.0f requests/s | %.1f s |",
                            adapter, requests, workers, r.requestsPerSecond(), r.seconds()));
                    System.out.println(rows.getLast());
                }
            }
        }
        if (warmup > 0 && scenarios.contains("drain")) { // (poll warms up on its own, after the upload)
            warmUp(warmup, java.time.Duration.ZERO, drainInFlight, upstreamProcess);
        }
        if (scenarios.contains("drain")) {
            try (UpstreamFixture upstream = UpstreamFixture.start(java.time.Duration.ZERO, upstreamProcess)) {
                for (String adapter : adapters) {
                    try (BenchBackend backend = BenchBackends.open(adapter)) {
                        DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                                backend.clock(), upstream.baseUrl(), requests, drainInFlight);
                        rows.add(String.format("| %s | drain %d requests through the daemon (%d in flight), zero-latency upstream | %.0f requests/s | %.1f s, peak heap %d MB, steady %.0f requests/s, %.0f µs CPU/request |",
                                adapter, requests, drainInFlight, r.requestsPerSecond(), r.seconds(), r.peakHeap() >> 20, r.steadyRequestsPerSecond(),
                                r.cpuMicrosPerRequest()));
                        System.out.println(rows.getLast());
                    }
                    if (adapter.equals("postgres")) {
                        rows.add(dbScheduler(requests));
                    }
                }
            }
        }
        if (scenarios.contains("noop")) {
            // The daemon's bookkeeping alone (no HTTP), beside db-scheduler's no-op tasks: like for like.
            int inFlight = Integer.parseInt(options.getOrDefault("noop-in-flight", "256"));
            for (String adapter : adapters) {
                try (BenchBackend backend = BenchBackends.open(adapter)) {
                    DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                            backend.clock(), java.net.URI.create("http://127.0.0.1:9"), DrainBench.NO_OP, requests, inFlight);
                    rows.add(String.format("| %s | daemon with a no-op upstream client (no HTTP), %d requests, %d in flight | %.0f requests/s | %.1f s, steady %.0f requests/s, %.0f µs CPU/request |",
                            adapter, requests, inFlight, r.requestsPerSecond(), r.seconds(), r.steadyRequestsPerSecond(),
                            r.cpuMicrosPerRequest()));
                    System.out.println(rows.getLast());
                }
                if (adapter.equals("postgres") && !scenarios.contains("drain")) {
                    rows.add(dbScheduler(requests));
                }
            }
        }
        if (scenarios.contains("concurrency")) {
            if (warmup > 0) {
                warmUp(warmup, java.time.Duration.ofSeconds(1), Integer.parseInt(options.getOrDefault("in-flight", "2000")),
                        upstreamProcess);
            }
            try (UpstreamFixture upstream = UpstreamFixture.start(java.time.Duration.ofSeconds(1), upstreamProcess);
                 BenchBackend backend = BenchBackends.open(adapters.getFirst())) {
                int inFlight = Integer.parseInt(options.getOrDefault("in-flight", "2000"));
                DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                        backend.clock(), upstream.baseUrl(), requests, inFlight);
                rows.add(String.format("| %s | %d in flight, 1 s upstream latency, %d requests | %.0f requests/s (%.0f%% of %d) | peak heap %d MB, steady %.0f requests/s (%.0f%%), %.0f µs CPU/request |",
                        adapters.getFirst(), inFlight, requests, r.requestsPerSecond(), 100 * r.requestsPerSecond() / inFlight, inFlight,
                        r.peakHeap() >> 20, r.steadyRequestsPerSecond(), 100 * r.steadyRequestsPerSecond() / inFlight,
                        r.cpuMicrosPerRequest()));
                System.out.println(rows.getLast());
            }
        }
        if (scenarios.contains("upload")) {
            for (String adapter : adapters) {
                try (BenchBackend backend = BenchBackends.open(adapter)) {
                    ApiBench.UploadResult r = ApiBench.upload(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                            lines, bodyBytes);
                    rows.add(String.format("| %s | HTTP upload, %d lines, %.0f MB, max heap %d MB | %s |", adapter, lines, r.bytes() / 1e6,
                            HeapWatch.maxHeapBytes() >> 20, ApiBench.describe(r)));
                    System.out.println(rows.getLast());
                }
            }
        }
        if (scenarios.contains("poll")) {
            int rate = Integer.parseInt(options.getOrDefault("poll-rate", "200"));
            try (UpstreamFixture upstream = UpstreamFixture.start(java.time.Duration.ZERO, upstreamProcess)) {
                for (String adapter : adapters) {
                    if (warmup > 0) {
                        // Through the adapter about to be measured: its own paths compiled, not only the daemon's.
                        warmUp(adapter, warmup, java.time.Duration.ZERO, 256, upstreamProcess);
                    }
                    try (BenchBackend backend = BenchBackends.open(adapter)) {
                        ApiBench.PollResult r = ApiBench.pollWhileDraining(backend.storage(),
                                (dev.salvo.core.daemon.DaemonStorage) backend.storage(), backend.clock(), upstream.baseUrl(), requests, rate,
                                BenchBackends.dataSource(backend));
                        rows.add(String.format("| %s | GET /v1/batches/{id} at %d/s while %d requests drain | %s |", adapter, rate,
                                requests, ApiBench.describe(r)));
                        System.out.println(rows.getLast());
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| adapter | scenario | result | detail |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** db-scheduler executing {@code tasks} no-op tasks on a fresh database of the same server: the yardstick row. */
    private static String dbScheduler(int tasks) throws Exception {
        try (BenchBackend backend = BenchBackends.open("postgres")) {
            DrainBench.Result r = DbSchedulerBench.run(BenchBackends.dataSource(backend), tasks, 8);
            String row = String.format("| postgres (db-scheduler 16, lock-and-fetch) | %d no-op tasks, 8 threads | %.0f tasks/s | %.1f s |",
                    tasks, r.requestsPerSecond(), r.seconds());
            System.out.println(row);
            return row;
        }
    }

    /**
     * Drains a throwaway memory store with the same upstream latency and in-flight count as the measured
     * run, so that the JIT has compiled that run's paths (with its type profiles) before the clock starts.
     */
    private static void warmUp(int requests, java.time.Duration latency, int inFlight, boolean upstreamProcess) throws Exception {
        warmUp("memory", requests, latency, inFlight, upstreamProcess);
    }

    private static void warmUp(String adapter, int requests, java.time.Duration latency, int inFlight, boolean upstreamProcess)
            throws Exception {
        try (UpstreamFixture upstream = UpstreamFixture.start(latency, upstreamProcess);
             BenchBackend backend = BenchBackends.open(adapter)) {
            DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                    backend.clock(), upstream.baseUrl(), requests, inFlight);
            System.out.printf("(warm-up: %d requests through " + adapter + ", %s latency, %d in flight: %.0f requests/s, not reported)%n",
                    requests, latency, inFlight, r.requestsPerSecond());
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
