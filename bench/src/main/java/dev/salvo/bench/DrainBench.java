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

    record Result(long requests, double seconds, double requestsPerSecond, long peakHeap) {
    }

    static Result run(BatchStorage storage, DaemonStorage daemons, Clock clock, URI upstream, int requests, int concurrency)
            throws InterruptedException {
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
        long start = System.nanoTime();
        try (BatchDaemon daemon = new BatchDaemon(storage, daemons, new JdkUpstreamClient(new UpstreamTimeouts(
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))), config, clock,
                new DaemonData(DaemonId.generate(), "bench", ProcessHandle.current().pid(), "bench", "{}")).start()) {
            while (storage.getBatch(batch.id()).status() != OpenAiBatchStatus.COMPLETED) {
                Thread.sleep(50);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Batch done = storage.getBatch(batch.id());
        if (done.counts().completed() != requests) {
            throw new IllegalStateException("drain ended with " + done.counts());
        }
        return new Result(requests, seconds, requests / seconds, HeapWatch.peakBytes());
    }
}
