package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.MutableClock;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.filesystem.TestDirectories;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The scale the adapter promises, checked by the sizes of what it keeps rather than by time (speed is
 * measured in the bench module): a million requests in one batch, a large upload streamed in and out
 * with bounded memory, and many workers sharing the commit path.
 */
class ScaleTest {

    private final MutableClock clock = MutableClock.startingAtFixedPoint();
    private Path root;
    private FilesystemBatchStorage store;

    @BeforeEach
    void open() {
        root = TestDirectories.create("salvo-batch-scale-");
        store = FilesystemBatchStorage.open(root, clock);
    }

    @AfterEach
    void cleanUp() {
        store.close();
        TestDirectories.deleteRecursively(root);
    }

    private void reopen() {
        store.close();
        store = FilesystemBatchStorage.open(root, clock);
    }

    @Test
    @DisplayName("a batch of 1,000,000 requests is created, claimed from, completed in part and reopened, at <100 bytes per request")
    void millionRequests() {
        int n = 1_000_000;
        FileId file = BatchFixtures.upload(store, n, "{\"p\":1}");
        Batch batch = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        assertThat(batch.counts().total()).isEqualTo(n);

        FilesystemBatchStorage.MemoryUse memory = store.memoryUse();
        assertThat(memory.loadedRequests()).isEqualTo(n);
        assertThat(memory.tableBytes() / n).as("bytes per request").isLessThan(100);

        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            claimed.addAll(BatchFixtures.claim(store, daemon, 1_000));
        }
        assertThat(claimed).extracting(r -> r.data().lineNumber()).doesNotHaveDuplicates().hasSize(5_000);
        AtomicInteger next = new AtomicInteger();
        Concurrently.run(8, worker -> {
            for (int i; (i = next.getAndIncrement()) < 2_000; ) {
                BatchFixtures.complete(store, BatchFixtures.start(store, claimed.get(i), clock), "{\"done\":" + i + "}", clock);
            }
        });
        RequestCounts expected = new RequestCounts(n, n - 5_000, 3_000, 2_000, 0, 0);
        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(expected);

        reopen();

        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(expected);
        try (Stream<BatchResultItem> tail = store.streamBatchResults(batch.id(), n - 3, null, null)) {
            assertThat(tail.map(BatchResultItem::lineNumber).toList()).containsExactly(n - 3L, n - 2L, n - 1L);
        }
        try (Stream<FileContentItem> output = store.streamFileContent(batch.outputFileId(), 1_990, null)) {
            assertThat(output.count()).isEqualTo(10);
        }
        assertThat(BatchFixtures.claim(store, daemon, 1_000)).hasSize(1_000);
    }

    @Test
    @DisplayName("a large upload keeps nothing per template in memory, and streaming it back holds one line at a time")
    void largeUploadHasBoundedMemory() throws Exception {
        int lines = 20_000;
        String body = "{\"prompt\":\"" + "x".repeat(4_000) + "\"}";
        long heapBefore = retainedHeap();
        FileId file = BatchFixtures.upload(store, lines, body);
        long templatesBytes = Files.size(root.resolve("batch/files").resolve(file.toString()).resolve("templates.jsonl"));
        assertThat(templatesBytes).isGreaterThan(80_000_000L);

        assertThat(store.memoryUse().loadedRequests()).isZero();
        assertThat(store.getFileTemplateStats(file)).hasSize(1)
                .allSatisfy(s -> assertThat(s.totalBodyBytes()).isEqualTo((long) lines * body.length()));
        long count = 0;
        try (Stream<FileContentItem> content = store.streamFileContent(file, 0, null)) {
            Iterator<FileContentItem> items = content.iterator();
            while (items.hasNext()) {
                items.next();
                if (++count == lines / 2) {
                    // Halfway through the download: neither the upload nor the stream holds the file.
                    assertThat(retainedHeap() - heapBefore).isLessThan(templatesBytes / 4);
                }
            }
        }
        assertThat(count).isEqualTo(lines);

        Batch batch = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        assertThat(store.memoryUse().tableBytes()).isLessThan(100L * lines);
        try (Stream<BatchResultItem> results = store.streamBatchResults(batch.id(), 0, null, null)) {
            assertThat(results.count()).isEqualTo(lines);
        }
        assertThat(retainedHeap() - heapBefore).isLessThan(templatesBytes / 4);
    }

    @Test
    @DisplayName("8 workers run claim → processing → completed over 20,000 requests: each exactly once, all durable")
    void concurrentWorkersShareTheCommitPath() {
        int n = 20_000;
        FileId file = BatchFixtures.upload(store, n, "{}");
        Batch batch = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        Concurrently.run(8, worker -> {
            DaemonId daemon = DaemonId.generate();
            while (true) {
                List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 100);
                if (claimed.isEmpty()) {
                    return;
                }
                for (BatchRequest request : claimed) {
                    if (!seen.add(request.data().lineNumber())) {
                        duplicates.incrementAndGet();
                    }
                    BatchFixtures.complete(store, BatchFixtures.start(store, request, clock), "{\"r\":1}", clock);
                }
            }
        });
        assertThat(duplicates).hasValue(0);
        assertThat(seen).hasSize(n);
        Batch done = store.getBatch(batch.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(new RequestCounts(n, 0, 0, n, 0, 0));

        reopen();
        assertThat(store.getBatch(batch.id())).isEqualTo(done);
        try (Stream<FileContentItem> output = store.streamFileContent(batch.outputFileId(), 0, null)) {
            assertThat(output.count()).isEqualTo(n);
        }
    }

    @Test
    @DisplayName("a finished batch's requests leave memory once idle and come back, unchanged, when read")
    void finishedBatchesAreUnloadedWhenIdle() {
        FileId file = BatchFixtures.upload(store, 50, "{}");
        Batch running = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        Batch finished = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 100);
        for (BatchRequest request : claimed) {
            if (request.data().batchId().equals(finished.id())) {
                BatchFixtures.complete(store, BatchFixtures.start(store, request, clock), "{\"n\":1}", clock);
            }
        }
        Batch done = store.getBatch(finished.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        List<FileContentItem> output;
        try (Stream<FileContentItem> items = store.streamFileContent(finished.outputFileId(), 0, null)) {
            output = items.toList();
        }
        assertThat(store.memoryUse().loadedRequests()).isEqualTo(100);

        store.idleUnloadNanos = 0;
        store.finalizeBatches(10);

        assertThat(store.memoryUse().loadedRequests()).as("only the running batch stays").isEqualTo(50);
        assertThat(store.getBatch(finished.id())).isEqualTo(done);
        assertThat(store.getFile(finished.outputFileId()).sizeBytes()).isEqualTo(
                dev.salvo.core.batch.VirtualFileSize.ofOutput(50, 50 * "{\"n\":1}".length()));
        try (Stream<FileContentItem> items = store.streamFileContent(finished.outputFileId(), 0, null)) {
            assertThat(items.toList()).isEqualTo(output);
        }
        assertThat(store.memoryUse().loadedRequests()).isEqualTo(100);
        assertThat(store.getBatch(running.id()).counts()).isEqualTo(new RequestCounts(50, 0, 50, 0, 0, 0));
    }

    private static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
