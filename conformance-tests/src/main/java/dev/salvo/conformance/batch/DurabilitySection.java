package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-11.x}, durability across a reopen.
 *
 * <p>Section 11 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface DurabilitySection extends BatchFixture {

    @Test
    @Rule("BS-11.1")
    @Requires(Capability.DURABLE)
    default void filesSurviveReopen() {
        List<RequestTemplateInput> templates = templates(5, M, M2);
        FileId kept = uploadWith(new FileMetadata("durable.jsonl", "kept across restarts", "batch", null, 3600L, 1234L,
                "alice", "key-1"), templates);
        FileId deleted = upload(2, M);
        storage().deleteFile(deleted);
        BatchFile before = storage().getFile(kept);
        List<FileContentItem> contentBefore = content(kept);
        List<ModelTemplateStats> statsBefore = storage().getFileTemplateStats(kept);

        reopenStore();

        assertThat(storage().getFile(kept)).isEqualTo(before);
        assertThat(content(kept)).isEqualTo(contentBefore);
        assertThat(storage().getFileTemplateStats(kept)).isEqualTo(statsBefore);
        thrown(BatchStorageException.NotFound.class, () -> storage().getFile(deleted));
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactly(kept);
        FileId after = upload(1, M);
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactlyInAnyOrder(kept, after);
    }

    @Test
    @Rule("BS-11.2")
    @Requires(Capability.DURABLE)
    default void batchesSurviveReopen() {
        DaemonId d = liveDaemon();
        Batch completed = newBatch(new BatchInput(upload(2, M), PATH, "24h", Map.of("k", "v ✓"), "alice", "kid", "secret",
                null));
        List<BatchRequest> done = processing(d, M, 2);
        complete(done.get(0));
        fail(done.get(1));
        Batch running = newBatch(3, M2);
        processing(d, M2, 1);
        Batch cancelled = newBatch(1, "model-c");
        storage().cancelBatch(cancelled.id());
        Batch failed = newBatch(1, "model-d");
        storage().markBatchFailed(failed.id(), "population failed");
        Batch validating = storage().createBatchRecord(new BatchInput(upload(2, M), PATH, "7d", Map.of(), "", null, null, 2L));
        List<Batch> before = List.of(batch(completed.id()), batch(running.id()), batch(cancelled.id()), batch(failed.id()),
                batch(validating.id()));
        List<FileContentItem> output = content(completed.outputFileId());
        List<FileContentItem> errors = content(completed.errorFileId());
        List<BatchResultItem> rows = results(completed.id(), 0, null, null);

        reopenStore();

        for (Batch b : before) {
            assertThat(batch(b.id())).isEqualTo(b);
        }
        assertThat(listed(ListBatchesFilter.all())).containsExactlyInAnyOrderElementsOf(before.stream().map(Batch::id).toList());
        assertThat(content(completed.outputFileId())).isEqualTo(output);
        assertThat(content(completed.errorFileId())).isEqualTo(errors);
        assertThat(results(completed.id(), 0, null, null)).isEqualTo(rows);
        assertThat(storage().getBatchByOutputFileId(completed.outputFileId(), OutputFileType.OUTPUT)).map(Batch::id)
                .contains(completed.id());
        assertThat(storage().pollCompletedBatches(10)).extracting(n -> n.batch().id())
                .containsExactlyInAnyOrder(completed.id(), failed.id());
    }

    @Test
    @Rule("BS-11.3")
    @Requires(Capability.DURABLE)
    default void requestStatesSurviveReopen() {
        DaemonId d = liveDaemon();
        Batch b = newBatch(8, M);
        List<BatchRequest> claimed = claim(d, M, 6);
        BatchRequest processingOne = start(claimed.get(0));
        complete(start(claimed.get(1)), "{\"done\":\"✓\"}", now());
        fail(start(claimed.get(2)), new FailureReason.RetriableHttpStatus(429, "slow down"), now());
        storage().cancelRequests(List.of(claimed.get(3).id()));
        BatchRequest retry = start(claimed.get(4));
        reschedule(retry, new RequestState.Pending(2, FAR_FUTURE));
        BatchRequest stillClaimed = claimed.get(5);
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PROCESSING), FAST,
                "esc-key");
        BatchRequest copy = processing(liveDaemon(), FAST, 1).getFirst();
        List<BatchRequest> before = requests(b.id());
        Batch batchBefore = batch(b.id());

        reopenStore();

        assertThat(requests(b.id())).isEqualTo(before);
        assertThat(batch(b.id())).isEqualTo(batchBefore);
        assertThat(storage().findPendingEscalation(processingOne.id())).contains(copy.id());
        assertThat(complete(copy)).isEqualTo(new PersistResult.Applied(Optional.of(processingOne.id())));
        assertThat(kindOf(stillClaimed.id())).isEqualTo(RequestStateKind.CLAIMED);
        List<BatchRequest> more = claim(d, M, 10);
        assertThat(ids(more)).hasSize(2).doesNotContain(stillClaimed.id(), retry.id());
        assertThat(stateOf(retry.id())).isEqualTo(new RequestState.Pending(2, FAR_FUTURE));
    }
}
