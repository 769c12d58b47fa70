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
 *      [--scenarios ingest,cycle] [--lines 50000] [--body-bytes 2000] [--requests 100000] [--workers 8]
 * </pre>
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

        System.out.printf("JVM %s, %d cores, max heap %d MB%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                HeapWatch.maxHeapBytes() >> 20);
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
        if (scenarios.contains("drain")) {
            try (DelayedUpstream upstream = new DelayedUpstream(java.time.Duration.ZERO)) {
                for (String adapter : adapters) {
                    try (BenchBackend backend = BenchBackends.open(adapter)) {
                        DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                                backend.clock(), upstream.baseUrl(), requests, 256);
                        rows.add(String.format("| %s | drain %d requests through the daemon, zero-latency upstream | %.0f requests/s | %.1f s, peak heap %d MB |",
                                adapter, requests, r.requestsPerSecond(), r.seconds(), r.peakHeap() >> 20));
                        System.out.println(rows.getLast());
                    }
                    if (adapter.equals("postgres")) {
                        try (BenchBackend backend = BenchBackends.open(adapter)) {
                            DrainBench.Result r = DbSchedulerBench.run(BenchBackends.dataSource(backend), requests, 8);
                            rows.add(String.format("| postgres (db-scheduler 16, lock-and-fetch) | %d no-op tasks, 8 threads | %.0f tasks/s | %.1f s |",
                                    requests, r.requestsPerSecond(), r.seconds()));
                            System.out.println(rows.getLast());
                        }
                    }
                }
            }
        }
        if (scenarios.contains("concurrency")) {
            try (DelayedUpstream upstream = new DelayedUpstream(java.time.Duration.ofSeconds(1));
                 BenchBackend backend = BenchBackends.open(adapters.getFirst())) {
                int inFlight = Integer.parseInt(options.getOrDefault("in-flight", "2000"));
                DrainBench.Result r = DrainBench.run(backend.storage(), (dev.salvo.core.daemon.DaemonStorage) backend.storage(),
                        backend.clock(), upstream.baseUrl(), requests, inFlight);
                rows.add(String.format("| %s | %d in flight, 1 s upstream latency, %d requests | %.0f requests/s (%.0f%% of %d) | peak heap %d MB |",
                        adapters.getFirst(), inFlight, requests, r.requestsPerSecond(), 100 * r.requestsPerSecond() / inFlight, inFlight,
                        r.peakHeap() >> 20));
                System.out.println(rows.getLast());
            }
        }
        System.out.println();
        System.out.println("| adapter | scenario | result | detail |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
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
