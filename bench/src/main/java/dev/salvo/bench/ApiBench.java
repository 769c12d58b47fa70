package dev.salvo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.app.cli.batch.OpenAiClient;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.http.HttpApi;
import dev.salvo.http.HttpApiSettings;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.batch.BatchApiSettings;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Files and Batches API under load, through real HTTP on loopback: a large upload (MB/s and the
 * heap it needs — run the JVM with {@code -Xmx256m} to prove the bound), and the latency of
 * {@code GET /v1/batches/{id}} at a fixed request rate while a large batch drains.
 */
final class ApiBench {

    private static final String KEY = "sk-bench-admin";
    /** {@code -Dsalvo.bench.trace=true}: per-second poll latency, the store's own read time, pool waits. */
    private static final boolean TRACE = Boolean.getBoolean("salvo.bench.trace");

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
     * Drains a batch of {@code requests} through the daemon while a {@link PollLoad} child JVM polls its
     * {@code GET /v1/batches/{id}} at {@code rate} requests per second, open loop. The API and the daemon
     * share this JVM, as in {@code salvo serve}. Before the drain starts, the poller spends a few seconds
     * on a batch that is never drained (its model is not the daemon's), so that neither JVM's JIT is
     * measured.
     */
    static PollResult pollWhileDraining(BatchStorage storage, DaemonStorage daemons, Clock clock, URI upstream, int requests,
                                        int rate, javax.sql.DataSource pool) throws Exception {
        BatchId warmup = storage.createBatch(BatchInput.of(((FileStreamResult.Success) storage.createFileStream(List.of(
                (FileStreamItem) new FileStreamItem.Metadata(FileMetadata.named("warmup.jsonl")),
                new FileStreamItem.Template(new RequestTemplateInput("warmup", "", "POST", "/v1/chat/completions",
                        "{\"model\":\"not-served\"}", "not-served", ""))).iterator())).fileId(), "/v1/chat/completions", "24h")).id();
        PollDiagnostics.TimedReads reads = new PollDiagnostics.TimedReads(storage);
        BatchStorage served = TRACE ? reads.proxy() : storage;
        try (HttpApi api = start(served, daemons);
             ExecutorService drainer = Executors.newSingleThreadExecutor()) {
            URI base = URI.create("http://127.0.0.1:" + api.port() + "/");
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new java.util.ArrayList<>();
            String nice = System.getProperty("salvo.bench.poller-nice");
            if (nice != null) {
                // Experiments only: runs the load generator under `nice -n N` to see how much of the tail is its own scheduling.
                command.addAll(List.of("nice", "-n", nice));
            }
            command.addAll(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
                    "-Dsalvo.bench.trace=" + TRACE, "-cp", System.getProperty("java.class.path"),
                    PollLoad.class.getName(), base.toString(), KEY, Integer.toString(rate), Integer.toString(POLL_CONNECTIONS),
                    "v1/batches/batch_" + warmup, Integer.toString(POLL_WARMUP_SECONDS)));
            Process poller = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                BufferedReader fromPoller = new BufferedReader(new InputStreamReader(poller.getInputStream(), StandardCharsets.UTF_8));
                Writer toPoller = new OutputStreamWriter(poller.getOutputStream(), StandardCharsets.UTF_8);
                expectLine(fromPoller, "warm");
                var drain = drainer.submit(() -> DrainBench.run(storage, daemons, clock, upstream, requests, 256));
                BatchId batch = awaitBatch(storage, warmup);
                long start = System.nanoTime();
                if (TRACE) {
                    PollDiagnostics.samplePool(pool, drain::isDone);
                }
                toPoller.write("v1/batches/batch_" + batch + "\n");
                toPoller.flush();
                DrainBench.Result drained = drain.get();
                toPoller.write("stop\n");
                toPoller.flush();
                double seconds = (System.nanoTime() - start) / 1e9;
                String[] stats = fromPoller.readLine().split(" ");
                if (TRACE) {
                    reads.print();
                }
                long polls = Long.parseLong(stats[0]);
                if (Long.parseLong(stats[4]) > 0) {
                    throw new IllegalStateException(stats[4] + " polls failed, the first with " + stats[5]);
                }
                return new PollResult(polls, polls / seconds, Long.parseLong(stats[1]) / 1e6, Long.parseLong(stats[2]) / 1e6,
                        Long.parseLong(stats[3]) / 1e6, drained);
            } finally {
                if (!poller.waitFor(10, TimeUnit.SECONDS)) {
                    poller.destroyForcibly();
                }
            }
        }
    }

    /** Keep-alive connections of the poller: enough that a poll seldom waits for one at 200/s and a few ms each. */
    private static final int POLL_CONNECTIONS = 8;
    private static final int POLL_WARMUP_SECONDS = 5;

    private static void expectLine(BufferedReader in, String expected) throws IOException {
        String line = in.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("the poller said " + line + ", expected " + expected);
        }
    }

    private static BatchId awaitBatch(BatchStorage storage, BatchId besides) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            var other = storage.listBatches(ListBatchesFilter.all()).stream().filter(b -> !b.id().equals(besides)).findFirst();
            if (other.isPresent()) {
                return other.get().id();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the drain never created its batch");
    }

    static String describe(UploadResult r) {
        return String.format("%.1f MB/s | %.1f s, peak heap %d MB", r.mbPerSecond(), r.seconds(), r.peakHeap() >> 20);
    }

    static String describe(PollResult r) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms | %d polls at %.0f/s while draining at %.0f requests/s",
                r.p50Millis(), r.p99Millis(), r.maxMillis(), r.polls(), r.ratePerSecond(), r.drain().requestsPerSecond());
    }
}
