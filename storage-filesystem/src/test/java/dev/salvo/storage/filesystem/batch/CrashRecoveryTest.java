package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.conformance.MutableClock;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a crash can leave on disk, reproduced by hand — a torn last log record, a half-written upload, a
 * half-assembled batch directory, a snapshot older than its log — and what the next open makes of it.
 * "Crash images" are taken by copying the directory of a store that is still open: only what was
 * forced is guaranteed to be in the copy, and nothing from close() is.
 */
class CrashRecoveryTest {

    private final MutableClock clock = MutableClock.startingAtFixedPoint();
    private Path root;
    private Path image;
    private FilesystemBatchStorage store;

    @BeforeEach
    void open() {
        root = TestDirectories.create("salvo-batch-crash-");
        image = TestDirectories.create("salvo-batch-image-");
        store = FilesystemBatchStorage.open(root, clock);
    }

    @AfterEach
    void cleanUp() {
        store.close();
        TestDirectories.deleteRecursively(root);
        TestDirectories.deleteRecursively(image);
    }

    private void reopen() {
        store.close();
        store = FilesystemBatchStorage.open(root, clock);
    }

    private Batch runningBatch(int requests) {
        FileId file = BatchFixtures.upload(store, requests, "{\"prompt\":\"Grüße\"}");
        return store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
    }

    private Path log(Batch batch) {
        return root.resolve("batch").resolve("batches").resolve(batch.id().toString()).resolve("requests.log");
    }

    @Test
    @DisplayName("a torn final log record (no newline) is ignored on reopen and cut, and the store keeps working")
    void tornFinalRecordWithoutNewline() throws IOException {
        Batch batch = runningBatch(4);
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 2);
        store.close();
        long intact = Files.size(log(batch));
        Files.write(log(batch), "0badc0de {\"fx\":[{\"type\":\"claim\",\"at\":\"2026-03".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);

        store = FilesystemBatchStorage.open(root, clock);

        assertThat(Files.size(log(batch))).isEqualTo(intact);
        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(4, 2, 2, 0, 0, 0));
        assertThat(store.getRequests(List.of(claimed.get(0).id())).getFirst()).isInstanceOf(
                dev.salvo.core.batch.RequestLookup.Found.class);
        assertThat(BatchFixtures.claim(store, daemon, 10)).hasSize(2);
        reopen();
        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(4, 0, 4, 0, 0, 0));
    }

    @Test
    @DisplayName("a complete final line whose checksum does not match is treated as torn")
    void finalRecordWithBadChecksum() throws IOException {
        Batch batch = runningBatch(3);
        BatchFixtures.claim(store, DaemonId.generate(), 1);
        store.close();
        long intact = Files.size(log(batch));
        Files.write(log(batch), "00000000 {\"fx\":[{\"type\":\"expire\",\"at\":\"2026-03-01T12:00:00Z\"}]}\n"
                .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        store = FilesystemBatchStorage.open(root, clock);

        assertThat(Files.size(log(batch))).isEqualTo(intact);
        assertThat(store.getBatch(batch.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(3, 2, 1, 0, 0, 0));
    }

    @Test
    @DisplayName("damage followed by intact records is corruption: the store refuses to open instead of guessing")
    void damageInTheMiddleIsRefused() throws IOException {
        Batch batch = runningBatch(3);
        DaemonId daemon = DaemonId.generate();
        BatchFixtures.claim(store, daemon, 1);
        BatchFixtures.claim(store, daemon, 1);
        store.close();
        byte[] content = Files.readAllBytes(log(batch));
        content[3] = (byte) (content[3] == 'a' ? 'b' : 'a'); // the first record's checksum
        Files.write(log(batch), content);

        assertThatThrownBy(() -> FilesystemBatchStorage.open(root, clock))
                .isInstanceOf(BatchStorageException.Backend.class)
                .hasMessageContaining("corrupt");
        store = FilesystemBatchStorage.open(image, clock); // something to close in cleanUp
    }

    @Test
    @DisplayName("an upload that fails mid-stream leaves no file, and a crash image of one in progress loads without it")
    void interruptedUploadLeavesNothing() throws IOException {
        RuntimeException boom = new RuntimeException("producer died");
        Iterator<FileStreamItem> good = BatchFixtures.generated(1000, "half.jsonl", i -> BatchFixtures.template(i, "m", "{}"));
        Iterator<FileStreamItem> failing = new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public FileStreamItem next() {
                if (++n > 500) {
                    throw boom;
                }
                return good.next();
            }
        };
        assertThatThrownBy(() -> store.createFileStream(failing)).isSameAs(boom);
        assertThat(store.listFiles(FileFilter.all())).isEmpty();
        assertThat(TestDirectories.tree(root.resolve("batch").resolve("uploads"))).isEmpty();

        // As a crash would leave them: a scratch upload and a batch directory still being assembled.
        Path scratch = Files.createDirectories(root.resolve("batch/uploads/0b7c6f1e-crashed"));
        Files.writeString(scratch.resolve("templates.jsonl"), "{\"custom_id\":\"x\"");
        Path assembling = Files.createDirectories(root.resolve("batch/batches/." + java.util.UUID.randomUUID() + ".creating"));
        Files.writeString(assembling.resolve("requests.log"), "");
        reopen();

        assertThat(store.listFiles(FileFilter.all())).isEmpty();
        assertThat(TestDirectories.tree(root.resolve("batch/uploads"))).isEmpty();
        assertThat(TestDirectories.tree(root.resolve("batch/batches"))).isEmpty();
    }

    @Test
    @DisplayName("a crash image taken while the store is open holds every acknowledged change, bodies and all")
    void crashImageHoldsAcknowledgedWrites() throws IOException {
        Batch batch = runningBatch(6);
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 6);
        for (int i = 0; i < 6; i++) {
            BatchRequest processing = BatchFixtures.start(store, claimed.get(i), clock);
            RequestState.Processing state = (RequestState.Processing) processing.state();
            if (i % 3 == 0) {
                BatchFixtures.complete(store, processing, "{\"answer\":\"Antwort " + i + " ✓\"}", clock);
            } else if (i % 3 == 1) {
                store.persist(processing.withState(state.fail(new FailureReason.RetriableHttpStatus(503, "busy"), "model-a",
                        clock.instant())));
            }
        }
        List<FileContentItem> output = drain(store.streamFileContent(batch.outputFileId(), 0, null));
        List<FileContentItem> errors = drain(store.streamFileContent(batch.errorFileId(), 0, null));
        Batch before = store.getBatch(batch.id());

        copyTree(root, image); // the store is still open: no close(), no snapshot refresh
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(recovered.getBatch(batch.id())).isEqualTo(before);
            assertThat(drain(recovered.streamFileContent(batch.outputFileId(), 0, null))).isEqualTo(output);
            assertThat(drain(recovered.streamFileContent(batch.errorFileId(), 0, null))).isEqualTo(errors);
            assertThat(recovered.getRequests(List.of(claimed.get(2).id())).getFirst())
                    .isEqualTo(store.getRequests(List.of(claimed.get(2).id())).getFirst());
        }
        assertThat(output).hasSize(2);
        assertThat(errors).hasSize(2);
    }

    @Test
    @DisplayName("a finished batch is taken from its snapshot on open and its requests are loaded only when read")
    void finishedBatchesLoadLazily() {
        Batch batch = runningBatch(5);
        DaemonId daemon = DaemonId.generate();
        for (BatchRequest claimed : BatchFixtures.claim(store, daemon, 5)) {
            BatchFixtures.complete(store, BatchFixtures.start(store, claimed, clock), "{\"ok\":true}", clock);
        }
        Batch finished = store.getBatch(batch.id());
        assertThat(finished.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        List<FileContentItem> output = drain(store.streamFileContent(batch.outputFileId(), 0, null));

        reopen();

        assertThat(store.memoryUse().loadedRequests()).isZero();
        assertThat(store.getBatch(batch.id())).isEqualTo(finished);
        assertThat(store.getFile(batch.outputFileId()).sizeBytes()).isEqualTo(
                dev.salvo.core.batch.VirtualFileSize.ofOutput(5, 5 * "{\"ok\":true}".length()));
        assertThat(drain(store.streamFileContent(batch.outputFileId(), 0, null))).isEqualTo(output);
        assertThat(store.memoryUse().loadedRequests()).isEqualTo(5);
    }

    @Test
    @DisplayName("a snapshot older than its log is ignored: the log is replayed")
    void staleSnapshotIsIgnored() throws IOException {
        Batch batch = runningBatch(2);
        DaemonId daemon = DaemonId.generate();
        for (BatchRequest claimed : BatchFixtures.claim(store, daemon, 2)) {
            BatchFixtures.complete(store, BatchFixtures.start(store, claimed, clock), "{}", clock);
        }
        store.close();
        Path header = log(batch).resolveSibling("batch.json");
        byte[] finishedSnapshot = Files.readAllBytes(header);

        store = FilesystemBatchStorage.open(root, clock);
        store.retryFailedRequestsForBatch(batch.id()); // nothing failed: no change
        clock.advance(Duration.ofSeconds(1));
        store.deleteBatch(batch.id());
        copyTree(root, image);
        Files.write(image.resolve("batch/batches").resolve(batch.id().toString()).resolve("batch.json"), finishedSnapshot);

        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThatThrownBy(() -> recovered.getBatch(batch.id())).isInstanceOf(BatchStorageException.NotFound.class);
            assertThat(recovered.purgeOrphanedRows(100)).as("the two requests of the deleted batch").isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------- claims and starts are not awaited
    // Rule: claims and starts are durable within one group-commit interval; every result is durable when
    // the call returns. A claim or start line lost or torn in a crash leaves the request pending (or, with
    // only the start lost, claimed by a daemon that is dead after the crash), as stale-claim recovery would.

    @Test
    @DisplayName("a claim and a start lost before a crash leave the request pending after reopen")
    void lostClaimAndStartLeaveTheRequestPending() throws IOException {
        Batch batch = runningBatch(3);
        long beforeClaim = Files.size(log(batch));
        BatchRequest claimed = BatchFixtures.claim(store, DaemonId.generate(), 1).getFirst();
        BatchFixtures.start(store, claimed, clock);
        store.close(); // puts both lines on disk, so the image below can be cut exactly before them

        copyTree(root, image);
        truncate(image, batch, beforeClaim);
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(recovered.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(3, 3, 0, 0, 0, 0));
            assertThat(state(recovered, claimed)).isInstanceOf(RequestState.Pending.class);
            assertThat(BatchFixtures.claim(recovered, DaemonId.generate(), 10)).hasSize(3);
        }
        store = FilesystemBatchStorage.open(root, clock); // something to close in cleanUp
    }

    @Test
    @DisplayName("a torn claim line leaves the request pending; a torn start line leaves it claimed until reclaimed")
    void tornClaimOrStartLine() throws IOException {
        Batch batch = runningBatch(2);
        long beforeClaim = Files.size(log(batch));
        DaemonId daemon = DaemonId.generate();
        BatchRequest claimed = BatchFixtures.claim(store, daemon, 1).getFirst();
        BatchFixtures.start(store, claimed, clock);
        store.close();
        byte[] content = Files.readAllBytes(log(batch));
        int claimEnd = beforeClaim == content.length ? -1 : indexOfNewline(content, (int) beforeClaim) + 1;
        assertThat(claimEnd).as("the claim line ends before the start line").isPositive().isLessThan(content.length);

        copyTree(root, image);
        truncate(image, batch, beforeClaim + (claimEnd - beforeClaim) / 2); // half a claim line
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(state(recovered, claimed)).isInstanceOf(RequestState.Pending.class);
            assertThat(recovered.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(2, 2, 0, 0, 0, 0));
        }

        TestDirectories.deleteRecursively(image);
        copyTree(root, image);
        truncate(image, batch, claimEnd + (content.length - claimEnd) / 2); // the claim intact, half a start line
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(state(recovered, claimed)).isInstanceOf(RequestState.Claimed.class);
            // The daemon died with the process: stale-claim recovery makes it pending again.
            assertThat(recovered.reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(1);
            assertThat(state(recovered, claimed)).isInstanceOf(RequestState.Pending.class);
        }
        store = FilesystemBatchStorage.open(root, clock);
    }

    @Test
    @DisplayName("a completion whose claim and start lines were lost replays as completed")
    void completionAfterLostClaimAndStartReplays() throws IOException {
        Batch batch = runningBatch(2);
        DaemonId daemon = DaemonId.generate();
        // The log as a crash could leave it if the start had been lost: claim, then the completion.
        BatchRequest first = BatchFixtures.claim(store, daemon, 1).getFirst();
        RequestState.Processing started = ((RequestState.Claimed) first.state()).start(clock.instant());
        store.persist(first.withState(started.complete(200, "{\"n\":1}", "model-a", clock.instant())));
        // And with both lost: the log still says pending when the completion arrives.
        BatchRequest second = store.getRequests(List.of(DerivedIds.request(batch.id(), 1))).getFirst() instanceof
                dev.salvo.core.batch.RequestLookup.Found found ? found.request() : null;
        assertThat(second).isNotNull();
        assertThat(second.state()).isInstanceOf(RequestState.Pending.class);
        RequestState.Processing ghost = ((RequestState.Pending) second.state()).claim(daemon, clock.instant())
                .start(clock.instant());
        store.persist(second.withState(ghost.complete(200, "{\"n\":2}", "model-a", clock.instant())));
        Batch before = store.getBatch(batch.id());
        List<FileContentItem> output = drain(store.streamFileContent(batch.outputFileId(), 0, null));

        copyTree(root, image); // no close: only what the calls made durable
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(recovered.getBatch(batch.id())).isEqualTo(before);
            assertThat(recovered.getBatch(batch.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
            assertThat(recovered.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(2, 0, 0, 2, 0, 0));
            assertThat(state(recovered, first)).isInstanceOf(RequestState.Completed.class);
            assertThat(state(recovered, second)).isInstanceOf(RequestState.Completed.class);
            assertThat(drain(recovered.streamFileContent(batch.outputFileId(), 0, null))).isEqualTo(output).hasSize(2);
        }
    }

    @Test
    @DisplayName("claims and starts reach the log within a group-commit interval without another call, and a result "
            + "makes the earlier ones durable with it")
    void claimsAndStartsBecomeDurable() throws IOException, InterruptedException {
        Batch batch = runningBatch(3);
        long beforeClaim = Files.size(log(batch));
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 3);
        BatchRequest processing = BatchFixtures.start(store, claimed.get(0), clock);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.size(log(batch)) == beforeClaim && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(Files.size(log(batch))).isGreaterThan(beforeClaim);

        BatchFixtures.start(store, claimed.get(1), clock); // not awaited ...
        BatchFixtures.complete(store, processing, "{}", clock); // ... but forced with this result
        copyTree(root, image);
        try (FilesystemBatchStorage recovered = FilesystemBatchStorage.open(image, clock)) {
            assertThat(state(recovered, claimed.get(0))).isInstanceOf(RequestState.Completed.class);
            assertThat(state(recovered, claimed.get(1))).isInstanceOf(RequestState.Processing.class);
            assertThat(state(recovered, claimed.get(2))).isInstanceOf(RequestState.Claimed.class);
        }
    }

    private static RequestState state(FilesystemBatchStorage storage, BatchRequest request) {
        return ((dev.salvo.core.batch.RequestLookup.Found) storage.getRequests(List.of(request.id())).getFirst())
                .request().state();
    }

    private void truncate(Path directory, Batch batch, long length) throws IOException {
        Path file = directory.resolve("batch").resolve("batches").resolve(batch.id().toString()).resolve("requests.log");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
        }
    }

    private static int indexOfNewline(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static <T> List<T> drain(Stream<T> stream) {
        try (stream) {
            return stream.toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
