package dev.salvo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.app.cli.batch.OpenAiClient;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.http.HttpApi;
import dev.salvo.http.HttpApiSettings;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.batch.BatchApiSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Files and Batches API under load, through real HTTP on loopback: a large upload (MB/s and the
 * heap it needs — run the JVM with {@code -Xmx256m} to prove the bound), and the latency of
 * {@code GET /v1/batches/{id}} at a fixed request rate while a large batch drains.
 */
final class ApiBench {

    private static final String KEY = "sk-bench-admin";

    private ApiBench() {
    }

    record UploadResult(long bytes, double seconds, double mbPerSecond, long peakHeap) {
    }

    record PollResult(long polls, double ratePerSecond, double p50Millis, double p99Millis, double maxMillis,
                      DrainBench.Result drain) {
    }

    private static HttpApi start(BatchStorage storage, DaemonStorage daemons) {
        HashedApiKeys keys = new HashedApiKeys(List.of(HashedApiKeys.forKey(KEY, new Principal("bench", true))));
        return HttpApi.builder(new HttpApiSettings("127.0.0.1", 0, 1024 * 1024, 0), keys)
                .batches(storage, daemons, BatchApiSettings.defaults(Set.of()))
                .build()
                .start();
    }

    /** Uploads a generated JSONL file of {@code lines} lines of about {@code bodyBytes} each, streamed from disk. */
    static UploadResult upload(BatchStorage storage, DaemonStorage daemons, int lines, int bodyBytes) throws Exception {
        Path file = Files.createTempFile("salvo-bench-upload-", ".jsonl");
        try (HttpApi api = start(storage, daemons)) {
            String padding = "x".repeat(Math.max(0, bodyBytes - 120));
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = 0; i < lines; i++) {
                    out.write("{\"custom_id\":\"req-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                            + "{\"model\":\"model-" + (i % 2) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + padding + i + "\"}]}}\n");
                }
            }
            long bytes = Files.size(file);
            // The upload goes through the command-line client's own streaming multipart code.
            OpenAiClient client = new OpenAiClient(URI.create("http://127.0.0.1:" + api.port()), KEY);
            HeapWatch.reset();
            long start = System.nanoTime();
            JsonNode stored = client.uploadFile(file, "batch");
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = HeapWatch.peakBytes();
            if (stored.path("bytes").asLong() != bytes) {
                throw new IllegalStateException("the server stored " + stored + ", expected " + bytes + " bytes");
            }
            return new UploadResult(bytes, seconds, bytes / 1e6 / seconds, peak);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Drains a batch of {@code requests} through the daemon while polling its {@code GET /v1/batches/{id}} at
     * {@code rate} requests per second, open loop: each poll's latency counts from when it was due, not from
     * when it was sent, so a stalled server cannot hide its stall by slowing the load down.
     */
    static PollResult pollWhileDraining(BatchStorage storage, DaemonStorage daemons, Clock clock, URI upstream, int requests,
                                        int rate) throws Exception {
        try (HttpApi api = start(storage, daemons);
             ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService drainer = Executors.newSingleThreadExecutor()) {
            var drain = drainer.submit(() -> DrainBench.run(storage, daemons, clock, upstream, requests, 256));
            BatchId batch = awaitBatch(storage);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pollers).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/batches/batch_" + batch))
                    .header("Authorization", "Bearer " + KEY).GET().build();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            ticker.scheduleAtFixedRate(() -> {
                long due = System.nanoTime();
                pollers.submit(() -> {
                    try {
                        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            failure.compareAndSet(null, new IllegalStateException("poll answered " + r.statusCode()));
                        }
                        latencies.add(System.nanoTime() - due);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }, 0, periodNanos, TimeUnit.NANOSECONDS);
            DrainBench.Result drained = drain.get();
            ticker.shutdownNow();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("a poll failed", failure.get());
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new PollResult(sorted.length, sorted.length / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, drained);
        }
    }

    private static BatchId awaitBatch(BatchStorage storage) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            var batches = storage.listBatches(ListBatchesFilter.all().page(null, 1));
            if (!batches.isEmpty()) {
                return batches.getFirst().id();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the drain never created its batch");
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    static String describe(UploadResult r) {
        return String.format("%.1f MB/s | %.1f s, peak heap %d MB", r.mbPerSecond(), r.seconds(), r.peakHeap() >> 20);
    }

    static String describe(PollResult r) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms | %d polls at %.0f/s while draining at %.0f requests/s",
                r.p50Millis(), r.p99Millis(), r.maxMillis(), r.polls(), r.ratePerSecond(), r.drain().requestsPerSecond());
    }
}
