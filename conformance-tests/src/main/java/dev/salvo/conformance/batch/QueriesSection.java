package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStatusFilter;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-9.x}, queries: listing and looking up batches, counts for the scheduler.
 *
 * <p>Section 9 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface QueriesSection extends BatchFixture {

    /** The ids of {@code batches} (as stored now) in (createdAt, id) order, newest first. */
    private List<BatchId> newestFirst(List<Batch> batches) {
        Comparator<Batch> newestFirst = Comparator.comparing(Batch::createdAt).thenComparing(Batch::id).reversed();
        return batches.stream().map(b -> batch(b.id())).sorted(newestFirst).map(Batch::id).toList();
    }

    @Test
    @Rule("BS-9.1")
    default void listBatchesFilters() {
        Batch a1 = newBatch(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "alice", "key-1", null, null));
        Batch b1 = newBatch(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "bob", "key-2", null, null));
        Batch a2 = newBatch(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "alice", "key-2", null, null));
        Batch gone = newBatch(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "alice", "key-1", null, null));
        storage().deleteBatch(gone.id());

        assertThat(listed(ListBatchesFilter.all())).containsExactlyElementsOf(newestFirst(List.of(a1, b1, a2)));
        assertThat(listed(ListBatchesFilter.all().withCreatedBy("alice"))).containsExactlyElementsOf(newestFirst(List.of(a1, a2)));
        assertThat(listed(ListBatchesFilter.all().withCreatedBy("nobody"))).isEmpty();
        assertThat(listed(ListBatchesFilter.all().withApiKeyIds(List.of("key-2")))).containsExactlyElementsOf(
                newestFirst(List.of(b1, a2)));
        assertThat(listed(ListBatchesFilter.all().withApiKeyIds(List.of()))).isEmpty();
        assertThat(listed(ListBatchesFilter.all().withApiKeyIds(List.of("key-1")).withCreatedBy("alice"))).containsExactly(a1.id());
        assertThat(listed(ListBatchesFilter.all().page(null, 2))).containsExactlyElementsOf(
                newestFirst(List.of(a1, b1, a2)).subList(0, 2));
        assertThat(storage().listBatches(ListBatchesFilter.all()).getFirst())
                .isEqualTo(batch(newestFirst(List.of(a1, b1, a2)).getFirst()));
    }

    @Test
    @Rule("BS-9.2")
    default void listBatchesSearch() {
        Batch byMeta = newBatch(input(upload("plain.jsonl", templates(1, M))).withMetadata(Map.of("project", "Apollo-Moon_1")));
        Batch byName = newBatch(input(upload("Quarterly_Report%.jsonl", templates(1, M))));
        Batch other = newBatch(input(upload("other.jsonl", templates(1, M))).withMetadata(Map.of("project", "gemini")));

        String idTail = byName.id().toString().substring(24).toUpperCase(Locale.ROOT);
        assertThat(listed(ListBatchesFilter.all().withSearch(idTail))).containsExactly(byName.id());
        assertThat(listed(ListBatchesFilter.all().withSearch(other.id().toString()))).containsExactly(other.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("apollo-moon"))).containsExactly(byMeta.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("GEMINI"))).containsExactly(other.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("project"))).as("metadata keys are not searched").isEmpty();
        assertThat(listed(ListBatchesFilter.all().withSearch("QUARTERLY_"))).containsExactly(byName.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("%"))).containsExactly(byName.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("_"))).containsExactlyInAnyOrder(byMeta.id(), byName.id());
        assertThat(listed(ListBatchesFilter.all().withSearch("' OR 1=1 --"))).isEmpty();
        assertThat(listed(ListBatchesFilter.all().withSearch("no-such-thing"))).isEmpty();
    }

    @Test
    @Rule("BS-9.3")
    default void listBatchesStatusFilter() {
        DaemonId d = liveDaemon();
        Batch validating = storage().createBatchRecord(input(upload(1, M)));
        Batch running = newBatch(2, M);
        Batch completed = newBatch(1, M2);
        completeAll(d, M2, 1);
        Batch allFailed = newBatch(1, "model-c");
        failAll(d, "model-c", 1);
        Batch failed = newBatch(1, "model-d");
        storage().markBatchFailed(failed.id(), "bad input");
        Batch cancelling = newBatch(2, "model-e");
        claim(d, "model-e", 1);
        storage().cancelBatch(cancelling.id());
        Batch cancelled = newBatch(1, "model-f");
        storage().cancelBatch(cancelled.id());

        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.IN_PROGRESS)))
                .containsExactlyInAnyOrder(validating.id(), running.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.COMPLETED)))
                .containsExactlyInAnyOrder(completed.id(), allFailed.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.FAILED))).containsExactly(failed.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.CANCELLED)))
                .containsExactlyInAnyOrder(cancelling.id(), cancelled.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.EXPIRED))).isEmpty();
        assertThat(listed(ListBatchesFilter.all())).hasSize(7);
    }

    @Test
    @Rule("BS-9.4")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void listBatchesCreatedRangeAndExpired() {
        Instant t0 = now();
        Batch first = newBatch("1h", 1, M);
        clock().advance(Duration.ofMinutes(10));
        Instant t1 = now();
        Batch second = newBatch("24h", 1, M);
        clock().advance(Duration.ofMinutes(10));
        Instant t2 = now();
        Batch third = newBatch("24h", 1, M);

        assertThat(listed(ListBatchesFilter.all().createdBetween(t0, t1))).containsExactly(second.id(), first.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t1, t2))).containsExactly(third.id(), second.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t1.plusNanos(1000), null))).containsExactly(third.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(null, t0))).containsExactly(first.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t2.plusSeconds(1), null))).isEmpty();

        clock().advance(Duration.ofHours(1));
        storage().finalizeBatches(10);
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.EXPIRED))).containsExactly(first.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.IN_PROGRESS)))
                .containsExactly(third.id(), second.id());
    }

    @Test
    @Rule("BS-9.5")
    default void listBatchesActiveFirst() {
        DaemonId d = liveDaemon();
        Batch completed = newBatch(1, M);
        completeAll(d, M, 1);
        Batch running1 = newBatch(1, M2);
        Batch cancelled = newBatch(1, "model-c");
        storage().cancelBatch(cancelled.id());
        Batch running2 = newBatch(1, M2);
        Batch failed = newBatch(1, "model-d");
        storage().markBatchFailed(failed.id(), "x");
        Batch cancelling = newBatch(1, "model-e");
        claim(d, "model-e", 1);
        storage().cancelBatch(cancelling.id());

        List<BatchId> expected = new ArrayList<>(newestFirst(List.of(running1, running2)));
        expected.addAll(newestFirst(List.of(completed, cancelled, failed, cancelling)));
        assertThat(listed(ListBatchesFilter.all().withActiveFirst(true))).containsExactlyElementsOf(expected);
        assertThat(listed(ListBatchesFilter.all())).containsExactlyElementsOf(
                newestFirst(List.of(completed, running1, cancelled, running2, failed, cancelling)));
    }

    @Test
    @Rule("BS-9.6")
    default void listBatchesPaging() {
        List<Batch> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            all.add(newBatch(1, "model-" + i));
            if (has(Capability.CONTROLLABLE_CLOCK) && i % 3 == 0) {
                clock().advance(Duration.ofSeconds(1));
            }
        }
        storage().cancelBatch(all.get(2).id());
        storage().cancelBatch(all.get(6).id());
        storage().markBatchFailed(all.get(4).id(), "x");

        for (boolean activeFirst : new boolean[] {false, true}) {
            List<BatchId> expected = listed(ListBatchesFilter.all().withActiveFirst(activeFirst));
            assertThat(expected).hasSize(9);
            List<BatchId> paged = new ArrayList<>();
            BatchId cursor = null;
            for (int pages = 0; pages < 20; pages++) {
                List<Batch> page = storage().listBatches(ListBatchesFilter.all().withActiveFirst(activeFirst).page(cursor, 2));
                assertThat(page.size()).isLessThanOrEqualTo(2);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(b -> paged.add(b.id()));
                cursor = page.getLast().id();
            }
            assertThat(paged).as("activeFirst=%s", activeFirst).containsExactlyElementsOf(expected);
        }
        assertThat(listed(ListBatchesFilter.all().withActiveFirst(true)).subList(0, 6))
                .doesNotContain(all.get(2).id(), all.get(4).id(), all.get(6).id());
    }

    @Test
    @Rule("BS-9.7")
    default void statusFilterParsing() {
        assertThat(BatchStatusFilter.parse("in_progress")).isEqualTo(BatchStatusFilter.IN_PROGRESS);
        assertThat(BatchStatusFilter.parse(" Completed ")).isEqualTo(BatchStatusFilter.COMPLETED);
        assertThat(BatchStatusFilter.parse("CANCELLED")).isEqualTo(BatchStatusFilter.CANCELLED);
        for (String bad : new String[] {"canceled", "done", "", "validating", "in progress"}) {
            thrown(BatchStorageException.Validation.class, () -> BatchStatusFilter.parse(bad));
        }
        thrown(BatchStorageException.Validation.class, () -> BatchStatusFilter.parse(null));
        thrown(BatchStorageException.Validation.class, () -> ListBatchesFilter.all().page(null, 0));
        newBatch(1, M);
        assertThat(storage().listBatches(ListBatchesFilter.all().withStatus(BatchStatusFilter.parse("IN_PROGRESS"))))
                .hasSize(1);
    }

    @Test
    @Rule("BS-9.8")
    default void batchByOutputFile() {
        Batch b = newBatch(1, M);
        Batch other = newBatch(1, M);

        assertThat(storage().getBatchByOutputFileId(b.outputFileId(), OutputFileType.OUTPUT)).contains(batch(b.id()));
        assertThat(storage().getBatchByOutputFileId(b.errorFileId(), OutputFileType.ERROR)).contains(batch(b.id()));
        assertThat(storage().getBatchByOutputFileId(other.errorFileId(), OutputFileType.ERROR)).map(Batch::id)
                .contains(other.id());
        assertThat(storage().getBatchByOutputFileId(b.outputFileId(), OutputFileType.ERROR)).isEmpty();
        assertThat(storage().getBatchByOutputFileId(b.errorFileId(), OutputFileType.OUTPUT)).isEmpty();
        assertThat(storage().getBatchByOutputFileId(b.fileId(), OutputFileType.OUTPUT)).isEmpty();
        assertThat(storage().getBatchByOutputFileId(FileId.generate(), OutputFileType.OUTPUT)).isEmpty();
        storage().deleteBatch(b.id());
        assertThat(storage().getBatchByOutputFileId(b.outputFileId(), OutputFileType.OUTPUT)).isEmpty();
    }

    @Test
    @Rule("BS-9.9")
    default void listFileBatches() {
        FileId file = upload("source.jsonl", templates(2, M));
        Batch first = newBatch(input(file));
        Batch second = newBatch(input(file));
        Batch gone = newBatch(input(file));
        storage().deleteBatch(gone.id());
        newBatch(input(upload("unrelated.jsonl", templates(1, M))));
        complete(processing(liveDaemon(), M, 1).getFirst());

        List<BatchStatus> listed = storage().listFileBatches(file);

        assertThat(listed).extracting(BatchStatus::batchId).containsExactlyElementsOf(newestFirst(List.of(first, second)));
        assertThat(listed).allSatisfy(s -> {
            assertThat(s.fileName()).isEqualTo("source.jsonl");
            assertThat(s.fileId()).isEqualTo(file);
            Batch b = batch(s.batchId());
            assertThat(s).isEqualTo(new BatchStatus(b.id(), file, "source.jsonl", b.counts(), b.status(), b.createdAt(),
                    b.inProgressAt(), null));
        });
        assertThat(listed.stream().mapToLong(s -> s.counts().total()).sum()).isEqualTo(4);
        assertThat(storage().listFileBatches(FileId.generate())).isEmpty();
    }

    @Test
    @Rule("BS-9.10")
    default void cancelledBatchIds() {
        DaemonId d = liveDaemon();
        Batch running = newBatch(1, M);
        Batch cancelling = newBatch(1, M2);
        claim(d, M2, 1);
        storage().cancelBatch(cancelling.id());
        Batch cancelled = newBatch(1, "model-c");
        storage().cancelBatch(cancelled.id());
        Batch deleted = newBatch(1, "model-d");
        storage().deleteBatch(deleted.id());
        Batch completed = newBatch(1, "model-e");
        completeAll(d, "model-e", 1);
        Batch failed = newBatch(1, "model-f");
        storage().markBatchFailed(failed.id(), "x");
        Batch deletedAfterCompleting = newBatch(1, "model-g");
        completeAll(d, "model-g", 1);
        storage().deleteBatch(deletedAfterCompleting.id());

        assertThat(storage().getCancelledBatchIds(List.of(running.id(), cancelling.id(), cancelled.id(), deleted.id(),
                completed.id(), failed.id(), deletedAfterCompleting.id(), BatchId.generate())))
                .containsExactlyInAnyOrder(cancelling.id(), cancelled.id(), deleted.id(), deletedAfterCompleting.id());
        assertThat(storage().getCancelledBatchIds(List.of())).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(running.id()))).isEmpty();
    }

    @Test
    @Rule("BS-9.11")
    default void pendingCounts() {
        Batch soon = newBatch("30m", 4, M);
        claim(liveDaemon(), M, 1);
        Batch later = newBatch("10h", 4, M, M2);
        Batch cancelled = newBatch("30m", 2, M);
        storage().cancelBatch(cancelled.id());
        List<PendingCountWindow> windows = List.of(new PendingCountWindow("1h", Duration.ofHours(1)),
                new PendingCountWindow("1d", Duration.ofDays(1)));
        Set<RequestStateKind> pending = EnumSet.of(RequestStateKind.PENDING);

        Map<String, Map<String, Long>> counts = storage().pendingRequestCounts(windows, pending, Set.of(), false);
        assertThat(counts.get(M)).containsEntry("1h", 3L).containsEntry("1d", 5L);
        assertThat(counts.get(M2).getOrDefault("1h", 0L)).isZero();
        assertThat(counts.get(M2)).containsEntry("1d", 2L);
        assertThat(counts).containsOnlyKeys(M, M2);

        Map<String, Map<String, Long>> withClaimed = storage().pendingRequestCounts(windows,
                EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED), Set.of(), true);
        assertThat(withClaimed.get(M)).containsEntry("1h", 4L).containsEntry("1d", 6L);

        Map<String, Map<String, Long>> onlyM2 = storage().pendingRequestCounts(windows, pending, Set.of(M2), false);
        assertThat(onlyM2).containsOnlyKeys(M2);
        assertThat(storage().pendingRequestCounts(windows, EnumSet.of(RequestStateKind.COMPLETED),
                Set.of(), false).values()).allSatisfy(m -> assertThat(m.values()).allMatch(v -> v == 0L));
        assertThat(later.counts().total()).isEqualTo(4);
        assertThat(soon.counts().total()).isEqualTo(4);
    }

    @Test
    @Rule("BS-9.12")
    default void listBatchesAfterUnknownOrDeletedCursor() {
        List<Batch> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(newBatch(1, M));
            if (has(Capability.CONTROLLABLE_CLOCK)) {
                clock().advance(Duration.ofSeconds(1));
            }
        }
        List<BatchId> newestFirst = newestFirst(made);
        BatchId unknown = BatchId.generate();

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class,
                () -> storage().listBatches(ListBatchesFilter.all().page(unknown, 10)));
        assertThat(nf.entity()).isEqualTo(Entity.BATCH);
        assertThat(nf.id()).isEqualTo(unknown.toString());
        thrown(BatchStorageException.NotFound.class,
                () -> storage().listBatches(ListBatchesFilter.all().withActiveFirst(true).page(unknown, 10)));

        storage().deleteBatch(newestFirst.get(1));
        assertThat(listed(ListBatchesFilter.all().page(newestFirst.get(1), 10))).containsExactly(newestFirst.get(2));
        assertThat(listed(ListBatchesFilter.all().page(newestFirst.get(0), 10))).containsExactly(newestFirst.get(2));
    }

    @Test
    @Rule("BS-9.13")
    default void pendingCountsListEveryWindow() {
        newBatch("30m", 2, M);
        newBatch("10h", 3, M2);
        List<PendingCountWindow> windows = List.of(new PendingCountWindow("1h", Duration.ofHours(1)),
                new PendingCountWindow("1d", Duration.ofDays(1)), new PendingCountWindow("5m", Duration.ofMinutes(5)));
        Set<RequestStateKind> pending = EnumSet.of(RequestStateKind.PENDING);

        assertThat(storage().pendingRequestCounts(windows, pending, Set.of(), false)).isEqualTo(Map.of(
                M, Map.of("1h", 2L, "1d", 2L, "5m", 0L),
                M2, Map.of("1h", 0L, "1d", 3L, "5m", 0L)));
        assertThat(storage().pendingRequestCounts(List.of(), pending, Set.of(), false)).isEmpty();
        assertThat(storage().pendingRequestCounts(windows, Set.of(), Set.of(), false)).isEmpty();
        assertThat(storage().pendingRequestCounts(List.of(), pending, Set.of(M), true)).isEmpty();
    }
}
