package dev.salvo.bench;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.daemon.BatchDaemon;
import dev.salvo.daemon.config.DaemonConfig;
import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.upstream.JdkUpstreamClient;
import dev.salvo.daemon.upstream.UpstreamClient;
import dev.salvo.daemon.upstream.UpstreamResponse;
import dev.salvo.daemon.upstream.UpstreamTimeouts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * End to end through the daemon: a batch drained claim → HTTP → persist against a local upstream.
 * Reports requests per second from the first claim to the batch's completion, and the peak heap.
 */
final class DrainBench {

    /** {@code -Dsalvo.bench.trace=true}: print in-progress and completed counts every 0.5 s (ramp-up, stalls). */
    private static final boolean TRACE = Boolean.getBoolean("salvo.bench.trace");

    /** {@code -Dsalvo.bench.http-clients=N}: how many JDK HttpClients the daemon spreads calls over (0: its default). */
    private static final int HTTP_CLIENTS = Integer.getInteger("salvo.bench.http-clients", 0);

    /**
     * @param steadyRequestsPerSecond completions per second between 10% and 90% of the batch: the rate once
     *                                every slot is busy, without the start (connections, first wave) and the tail
     * @param cpuMicrosPerRequest     CPU time of this whole JVM per request (includes an in-process upstream):
     *                                less sensitive than wall time to other work on a shared machine
     */
    record Result(long requests, double seconds, double requestsPerSecond, long peakHeap, double steadyRequestsPerSecond,
                  double cpuMicrosPerRequest) {

        Result(long requests, double seconds, double requestsPerSecond, long peakHeap) {
            this(requests, seconds, requestsPerSecond, peakHeap, Double.NaN, Double.NaN);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static Result run(BatchStorage storage, DaemonStorage daemons, Clock clock, URI upstream, int requests, int concurrency)
            throws InterruptedException {
        UpstreamTimeouts timeouts = new UpstreamTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (JdkUpstreamClient http = HTTP_CLIENTS > 0 ? new JdkUpstreamClient(timeouts, HTTP_CLIENTS) : new JdkUpstreamClient(timeouts)) {
            return run(storage, daemons, clock, upstream, http, requests, concurrency);
        }
    }

    /**
     * A client that answers every call at once without any I/O: what is left is the daemon's own
     * bookkeeping (claim, start, persist), the work a job scheduler does for a no-op task.
     */
    static final UpstreamClient NO_OP = request -> new UpstreamResponse(200,
            "{\"id\":\"noop\",\"object\":\"chat.completion\",\"choices\":[]}");

    static Result run(BatchStorage storage, DaemonStorage daemons, Clock clock, URI upstream, UpstreamClient http, int requests,
                      int concurrency) throws InterruptedException {
        Iterator<FileStreamItem> items = java.util.stream.Stream.concat(
                java.util.stream.Stream.of((FileStreamItem) new FileStreamItem.Metadata(FileMetadata.named("drain.jsonl"))),
                IntStream.range(0, requests).mapToObj(i -> (FileStreamItem) new FileStreamItem.Template(new RequestTemplateInput(
                        "r-" + i, "", "POST", "/v1/chat/completions",
                        "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"" + i + "\"}]}", "bench", "")))).iterator();
        Batch batch = storage.createBatch(BatchInput.of(((FileStreamResult.Success) storage.createFileStream(items)).fileId(),
                "/v1/chat/completions", "24h"));
        DaemonConfig config = DaemonConfig.defaults(List.of(ModelRoute.of("bench", upstream, concurrency)))
                .withClaimBatchSize(Math.min(concurrency, 500))
                .withIntervals(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(200),
                        Duration.ofMillis(20));
        HeapWatch.reset();
        long cpuAtStart = processCpuNanos();
        long start = System.nanoTime();
        long end;
        long cpuAtEnd;
        long at10 = 0;
        long at90 = 0;
        try (BatchDaemon daemon = new BatchDaemon(storage, daemons, http, config, clock,
                     new DaemonData(DaemonId.generate(), "bench", ProcessHandle.current().pid(), "bench", "{}")).start()) {
            long nextTrace = start;
            Batch current;
            while ((current = storage.getBatch(batch.id())).status() != OpenAiBatchStatus.COMPLETED) {
                long completed = current.counts().completed();
                if (at10 == 0 && completed >= requests / 10) {
                    at10 = System.nanoTime();
                }
                if (at90 == 0 && completed >= requests * 9L / 10) {
                    at90 = System.nanoTime();
                }
                if (TRACE && System.nanoTime() >= nextTrace) {
                    System.out.printf("  t=%5.1fs in progress %5d completed %6d failed %d%n", (System.nanoTime() - start) / 1e9,
                            current.counts().inProgress(), current.counts().completed(), current.counts().failed());
                    nextTrace += 500_000_000L;
                }
                Thread.sleep(10); // a coarser poll would blur the end of a 10 s run
            }
            end = System.nanoTime(); // the batch is done: closing the daemon and its connections is not draining
            cpuAtEnd = processCpuNanos();
        }
        double cpuMicrosPerRequest = (cpuAtEnd - cpuAtStart) / 1e3 / requests;
        double seconds = (end - start) / 1e9;
        double steady = at90 > at10 && at10 > 0 ? (requests * 8 / 10) / ((at90 - at10) / 1e9) : Double.NaN;
        Batch done = storage.getBatch(batch.id());
        if (done.counts().completed() != requests) {
            throw new IllegalStateException("drain ended with " + done.counts());
        }
        return new Result(requests, seconds, requests / seconds, HeapWatch.peakBytes(), steady, cpuMicrosPerRequest);
    }
}
