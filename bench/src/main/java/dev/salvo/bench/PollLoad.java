package dev.salvo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop GET load generator in its own JVM, like wrk2: its threads, garbage collector and JIT are
 * not the measured server's, so a poll's latency is the server's answer time plus loopback, not the
 * time the generator itself waited for a core inside the server's JVM.
 *
 * <p>Open loop: a ticker emits one poll every {@code 1/rate} seconds whatever the answers do, and each
 * latency counts from when its poll was due, so a stalled server cannot hide the stall by slowing the
 * load down (coordinated omission). A fixed set of keep-alive connections, one per worker thread.
 *
 * <p>Protocol with the parent ({@link ApiBench}), one line each way: arguments are
 * {@code baseUrl key rate workers warmupPath warmupSeconds}; it polls {@code warmupPath} for that long
 * (the server's and its own JIT), prints {@code warm}, reads the path to measure from standard input,
 * polls it until the next line (or end of input), then prints {@code polls p50Nanos p99Nanos maxNanos
 * errors firstError} and exits.
 */
public final class PollLoad {

    /** {@code -Dsalvo.bench.trace=true} (passed on by the parent): per-second latency on standard error. */
    private static final boolean TRACE = Boolean.getBoolean("salvo.bench.trace");

    private final List<long[]> trace = new ArrayList<>();
    private final URI base;
    private final String key;
    private final long periodNanos;
    private final int workers;

    private PollLoad(URI base, String key, int rate, int workers) {
        this.base = base;
        this.key = key;
        this.periodNanos = 1_000_000_000L / rate;
        this.workers = workers;
    }

    record Stats(long[] sortedNanos, long errors, String firstError) {

        long percentile(double p) {
            if (sortedNanos.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(p * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))];
        }

        String line() {
            long max = sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length - 1];
            return sortedNanos.length + " " + percentile(0.50) + " " + percentile(0.99) + " " + max + " " + errors + " "
                    + (firstError == null ? "-" : firstError.replaceAll("\\s+", "_"));
        }
    }

    /** Polls {@code path} open loop until {@code stop} returns (it runs on the calling thread). */
    Stats run(String path, Runnable stop) throws InterruptedException {
        URI target = base.resolve(path);
        LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long[][] perWorker = new long[workers][];
        int[] counts = new int[workers];
        for (int w = 0; w < workers; w++) {
            int worker = w;
            perWorker[w] = new long[1024];
            threads.add(Thread.ofPlatform().name("poll-" + w).start(() -> {
                while (true) {
                    long dueAt;
                    try {
                        dueAt = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (dueAt < 0) {
                        return;
                    }
                    String error = get(target);
                    long latency = System.nanoTime() - dueAt;
                    if (error != null) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, error);
                        continue;
                    }
                    if (counts[worker] == perWorker[worker].length) {
                        perWorker[worker] = Arrays.copyOf(perWorker[worker], counts[worker] * 2);
                    }
                    perWorker[worker][counts[worker]++] = latency;
                    if (TRACE) {
                        synchronized (trace) {
                            trace.add(new long[] {dueAt, latency});
                        }
                    }
                }
            }));
        }
        Thread ticker = Thread.ofPlatform().name("poll-ticker").start(() -> {
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                due.add(next);
                next += periodNanos;
            }
        });
        stop.run();
        ticker.interrupt();
        ticker.join();
        for (int w = 0; w < workers; w++) {
            due.add(-1L);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (TRACE) {
            printTrace(trace);
            trace.clear();
        }
        long[] all = java.util.stream.IntStream.range(0, workers)
                .mapToObj(w -> Arrays.stream(perWorker[w], 0, counts[w])).flatMapToLong(x -> x).sorted().toArray();
        return new Stats(all, errors.get(), firstError.get());
    }

    private static void printTrace(List<long[]> samples) {
        if (samples.isEmpty()) {
            return;
        }
        long t0 = samples.stream().mapToLong(s -> s[0]).min().orElse(0);
        java.util.TreeMap<Long, List<Long>> bySecond = new java.util.TreeMap<>();
        for (long[] s : samples) {
            bySecond.computeIfAbsent((s[0] - t0) / 1_000_000_000L, k -> new ArrayList<>()).add(s[1]);
        }
        samples.stream().filter(x -> x[1] > 20_000_000L).sorted(java.util.Comparator.comparingLong(x -> x[0])).forEach(x ->
                System.err.printf("  slow poll due at %7.1f ms: %5.1f ms%n", (x[0] - t0) / 1e6, x[1] / 1e6));
        bySecond.forEach((second, l) -> System.err.printf("  poll t=%3ds n=%3d max %6.1f ms, over 20 ms: %d%n", second, l.size(),
                l.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6, l.stream().filter(v -> v > 20_000_000L).count()));
    }

    /** One GET on a keep-alive connection; null when it answered 200, else what went wrong. */
    private String get(URI target) {
        try {
            HttpURLConnection connection = (HttpURLConnection) target.toURL().openConnection();
            connection.setRequestProperty("Authorization", "Bearer " + key);
            int status = connection.getResponseCode();
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            if (body != null) {
                try (body) {
                    body.transferTo(OutputSink.INSTANCE);
                }
            }
            return status == 200 ? null : "status " + status;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Discards bytes; reading the body to its end is what returns the connection to the keep-alive cache. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[3]);
        // HttpURLConnection keeps this many idle connections per host: one per worker, so none is reopened.
        System.setProperty("http.maxConnections", Integer.toString(workers));
        PollLoad load = new PollLoad(URI.create(args[0]), args[1], Integer.parseInt(args[2]), workers);
        long warmupMillis = Long.parseLong(args[5]) * 1000;
        load.run(args[4], () -> sleep(warmupMillis));
        System.out.println("warm");
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String path = stdin.readLine();
        if (path == null) {
            return;
        }
        Stats stats = load.run(path.strip(), () -> {
            try {
                stdin.readLine();
            } catch (IOException e) {
                // the parent is gone: stop and report anyway
            }
        });
        System.out.println(stats.line());
        System.out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
