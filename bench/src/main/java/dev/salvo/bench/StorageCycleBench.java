package dev.salvo.bench;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.daemon.DaemonId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage side of draining a batch, without HTTP: workers claim in batches, mark each request
 * processing, then complete it — three storage calls per request, as the daemon makes them.
 */
final class StorageCycleBench {

    record Result(long requests, double seconds, double requestsPerSecond) {
    }

    static Result run(BatchStorage storage, Clock clock, int requests, int workers, int claimSize) throws InterruptedException {
        FileId file = ((FileStreamResult.Success) storage.createFileStream(new SyntheticFile(requests, 200, "model-a", "model-b")))
                .fileId();
        Batch batch = storage.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        AtomicLong done = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            DaemonId daemon = DaemonId.generate();
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (done.get() < requests) {
                    List<BatchRequest> claimed = storage.claimRequests(
                            ClaimRequest.of(claimSize, daemon, Map.of("model-a", claimSize, "model-b", claimSize)));
                    if (claimed.isEmpty()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    for (BatchRequest request : claimed) {
                        RequestState.Processing processing = ((RequestState.Claimed) request.state()).start(clock.instant());
                        storage.persist(request.withState(processing));
                        storage.persist(request.withState(processing.complete(200, "{\"ok\":true}", request.data().model(),
                                clock.instant())));
                        done.incrementAndGet();
                    }
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Batch finished = storage.getBatch(batch.id());
        if (finished.counts().completed() != requests || finished.completedAt() == null) {
            throw new IllegalStateException("batch not completed: " + finished.counts());
        }
        return new Result(requests, seconds, requests / seconds);
    }
}
