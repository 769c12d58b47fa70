package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestTemplateInput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-2.x}, creating and populating batches.
 *
 * <p>Section 2 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface BatchCreationSection extends BatchFixture {

    @Test
    @Rule("BS-2.1")
    default void createBatchRecordFields() {
        FileId file = upload(4, M);
        BatchInput in = new BatchInput(file, PATH, "90m", Map.of("project", "apollo", "ticket", "T-1"), "alice",
                "key-id-1", "batch-secret", 4L);

        Batch b = storage().createBatchRecord(in);

        assertThat(b.status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(b.fileId()).isEqualTo(file);
        assertThat(b.endpoint()).isEqualTo(PATH);
        assertThat(b.completionWindow()).isEqualTo("90m");
        assertThat(b.metadata()).isEqualTo(Map.of("project", "apollo", "ticket", "T-1"));
        assertThat(b.createdBy()).isEqualTo("alice");
        assertThat(b.apiKeyId()).isEqualTo("key-id-1");
        assertThat(b.expiresAt()).isEqualTo(b.createdAt().plus(Duration.ofMinutes(90)));
        if (has(Capability.CONTROLLABLE_CLOCK)) {
            assertThat(b.createdAt()).isEqualTo(now());
        }
        assertThat(b.inProgressAt()).isNull();
        assertThat(b.finalizingAt()).isNull();
        assertThat(b.completedAt()).isNull();
        assertThat(b.failedAt()).isNull();
        assertThat(b.cancellingAt()).isNull();
        assertThat(b.errorMessage()).isNull();
        assertThat(b.counts()).isEqualTo(counts(4, 0, 0, 0, 0, 0));
        assertThat(batch(b.id())).isEqualTo(b);
        assertThat(requests(b.id())).isEmpty();
        assertThat(storage().getBatchStatus(b.id()).status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
    }

    @Test
    @Rule("BS-2.2")
    default void virtualFiles() {
        Batch b = storage().createBatchRecord(new BatchInput(upload(2, M), PATH, "24h", Map.of(), "alice", "key-1",
                null, null));

        assertThat(b.outputFileId()).isNotNull().isNotEqualTo(b.errorFileId());
        BatchFile out = storage().getFile(b.outputFileId());
        BatchFile err = storage().getFile(b.errorFileId());
        assertThat(out.purpose()).isEqualTo(Purpose.BATCH_OUTPUT);
        assertThat(err.purpose()).isEqualTo(Purpose.BATCH_ERROR);
        for (BatchFile f : List.of(out, err)) {
            assertThat(f.isVirtual()).isTrue();
            assertThat(f.expiresAt()).isNull();
            assertThat(f.status()).isEqualTo(FileStatus.PROCESSED);
            assertThat(f.sizeBytes()).isZero();
            assertThat(f.sizeFinalized()).isFalse();
            assertThat(content(f.id())).isEmpty();
        }
        if (has(Capability.CONTROLLABLE_CLOCK)) {
            clock().advance(Duration.ofDays(60));
            assertThat(storage().getFile(out.id()).status()).isEqualTo(FileStatus.PROCESSED);
        }
    }

    @Test
    @Rule("BS-2.3")
    default void completionWindows() {
        FileId file = upload(1, M);
        Map<String, Duration> good = Map.of("30s", Duration.ofSeconds(30), "90m", Duration.ofMinutes(90),
                "7d", Duration.ofDays(7), "30d", Duration.ofDays(30), "24h", Duration.ofHours(24));
        good.forEach((window, duration) -> {
            Batch b = storage().createBatchRecord(input(file, window));
            assertThat(b.expiresAt()).as(window).isEqualTo(b.createdAt().plus(duration));
            assertThat(b.completionWindow()).isEqualTo(window);
        });
        int before = storage().listBatches(ListBatchesFilter.all()).size();
        for (String bad : new String[] {"0h", "25x", "31d", "721h", "", "24", "h", "-1h", "1.5h", "24 hours"}) {
            thrown(BatchStorageException.Validation.class, () -> storage().createBatchRecord(input(file, bad)));
        }
        thrown(BatchStorageException.Validation.class, () -> storage().createBatchRecord(input(file, null)));
        assertThat(storage().listBatches(ListBatchesFilter.all())).hasSize(before);
    }

    @Test
    @Rule("BS-2.4")
    default void createBatchForMissingFile() {
        FileId deleted = upload(1, M);
        storage().deleteFile(deleted);

        assertThat(thrown(BatchStorageException.NotFound.class,
                () -> storage().createBatchRecord(input(FileId.generate()))).entity()).isEqualTo(Entity.FILE);
        assertThat(thrown(BatchStorageException.NotFound.class,
                () -> storage().createBatchRecord(input(deleted))).entity()).isEqualTo(Entity.FILE);
        assertThat(storage().listBatches(ListBatchesFilter.all())).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH_OUTPUT))).isEmpty();
    }

    @Test
    @Rule("BS-2.5")
    default void populateCreatesRequests() {
        FileId file = upload(5, M, M2);
        Batch record = storage().createBatchRecord(input(file));

        storage().populateBatch(record.id(), file);

        Batch b = batch(record.id());
        assertThat(b.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(b.inProgressAt()).isNotNull();
        assertThat(b.counts()).isEqualTo(counts(5, 5, 0, 0, 0, 0));
        List<BatchRequest> requests = requests(b.id());
        assertThat(requests).hasSize(5);
        assertThat(requests).extracting(r -> r.data().lineNumber()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(requests).extracting(r -> r.data().customId())
                .containsExactly("req-00000", "req-00001", "req-00002", "req-00003", "req-00004");
        assertThat(requests).extracting(r -> r.data().model()).containsExactly(M, M2, M, M2, M);
        assertThat(requests).allMatch(r -> r.state().equals(RequestState.Pending.fresh()));
        assertThat(requests).allMatch(r -> !r.data().isEscalated() && r.data().batchId().equals(b.id()));
        assertThat(requests).extracting(BatchRequest::id).doesNotHaveDuplicates();
    }

    @Test
    @Rule("BS-2.6")
    default void populateIsIdempotent() {
        FileId file = upload(4, M);
        Batch record = storage().createBatchRecord(input(file));
        storage().populateBatch(record.id(), file);
        List<BatchRequest> first = requests(record.id());
        Batch afterFirst = batch(record.id());

        storage().populateBatch(record.id(), file);

        assertThat(requests(record.id())).isEqualTo(first);
        assertThat(batch(record.id())).isEqualTo(afterFirst);
        assertThat(claim(liveDaemon(), M, 100)).hasSize(4);
    }

    @Test
    @Rule("BS-2.7")
    default void emptyFileFailsPopulation() {
        FileId empty = upload("empty.jsonl", List.of());
        Batch record = storage().createBatchRecord(input(empty));

        thrown(BatchStorageException.Validation.class, () -> storage().populateBatch(record.id(), empty));
        assertThat(batch(record.id()).status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(requests(record.id())).isEmpty();

        thrown(BatchStorageException.Validation.class, () -> storage().createBatch(input(empty).withCreatedBy("bob")));
        List<Batch> bobs = storage().listBatches(ListBatchesFilter.all().withCreatedBy("bob"));
        assertThat(bobs).hasSize(1);
        Batch failed = bobs.getFirst();
        assertThat(failed.status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(failed.failedAt()).isNotNull();
        assertThat(failed.errorMessage()).isNotBlank();
        assertThat(failed.isTerminal()).isTrue();
    }

    @Test
    @Rule("BS-2.8")
    default void populateRefusedForDeadBatches() {
        FileId file = upload(3, M);
        Batch cancelled = storage().createBatchRecord(input(file));
        storage().cancelBatch(cancelled.id());
        Batch failed = storage().createBatchRecord(input(file));
        storage().markBatchFailed(failed.id(), "validation failed");
        Batch deleted = storage().createBatchRecord(input(file));
        storage().deleteBatch(deleted.id());

        thrown(BatchStorageException.InvalidState.class, () -> storage().populateBatch(cancelled.id(), file));
        thrown(BatchStorageException.InvalidState.class, () -> storage().populateBatch(failed.id(), file));
        thrown(BatchStorageException.InvalidState.class, () -> storage().populateBatch(deleted.id(), file));
        assertThat(requests(cancelled.id())).isEmpty();
        assertThat(requests(failed.id())).isEmpty();
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
    }

    @Test
    @Rule("BS-2.9")
    default void requestDataIsCopied() {
        List<RequestTemplateInput> templates = templates(3, M);
        FileId file = upload("data.jsonl", templates);
        Batch withoutKey = storage().createBatch(new BatchInput(file, PATH, "24h", Map.of("team", "blue"), "carol",
                "kid", null, null));
        Batch withKey = storage().createBatch(new BatchInput(file, PATH, "24h", Map.of(), "dave", null, "batch-key", null));

        List<BatchRequest> plain = originals(withoutKey.id());
        for (int i = 0; i < 3; i++) {
            RequestData d = plain.get(i).data();
            RequestTemplateInput t = templates.get(i);
            assertThat(d.batchId()).isEqualTo(withoutKey.id());
            assertThat(d.templateId()).isNotNull();
            assertThat(d.lineNumber()).isEqualTo(i);
            assertThat(d.customId()).isEqualTo(t.customId());
            assertThat(d.endpoint()).isEqualTo(t.endpoint());
            assertThat(d.method()).isEqualTo(t.method());
            assertThat(d.path()).isEqualTo(t.path());
            assertThat(d.body()).isEqualTo(t.body());
            assertThat(d.model()).isEqualTo(t.model());
            assertThat(d.apiKey()).isEqualTo(t.apiKey());
            assertThat(d.createdBy()).isEqualTo("carol");
            assertThat(d.batchExpiresAt()).isEqualTo(withoutKey.expiresAt());
            assertThat(d.batchMetadata()).isEqualTo(Map.of("team", "blue"));
            assertThat(d.escalatedFrom()).isNull();
        }
        List<BatchRequest> keyed = originals(withKey.id());
        assertThat(keyed).allMatch(r -> r.data().apiKey().equals("batch-key") && r.data().createdBy().equals("dave"));
        assertThat(keyed).extracting(r -> r.data().templateId())
                .containsExactlyElementsOf(plain.stream().map(r -> r.data().templateId()).toList());
    }

    @Test
    @Rule("BS-2.10")
    default void batchesNeedBatchPurposeFiles() {
        FileId tuning = uploadWith(new FileMetadata("tune.jsonl", null, "fine-tune", null, null, null, null, null),
                templates(2, M));
        FileId claimsOutput = uploadWith(new FileMetadata("fake-output.jsonl", null, "batch_output", null, null, null, null,
                null), templates(2, M));
        Batch source = newBatch(2, M2);
        completeAll(liveDaemon(), M2, 2);
        List<Batch> before = storage().listBatches(ListBatchesFilter.all());
        List<BatchFile> filesBefore = storage().listFiles(FileFilter.all());

        for (FileId wrong : List.of(tuning, claimsOutput, source.outputFileId(), source.errorFileId())) {
            thrown(BatchStorageException.Validation.class, () -> storage().createBatchRecord(input(wrong)));
            thrown(BatchStorageException.Validation.class, () -> storage().createBatch(input(wrong)));
        }

        assertThat(storage().listBatches(ListBatchesFilter.all())).isEqualTo(before);
        assertThat(storage().listFiles(FileFilter.all())).containsExactlyInAnyOrderElementsOf(filesBefore);
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
    }

    @Test
    @Rule("BS-2.11")
    default void populateFromMissingFile() {
        FileId file = upload(2, M);
        FileId deleted = upload(3, M);
        storage().deleteFile(deleted);
        Batch record = storage().createBatchRecord(input(file));
        FileId unknown = FileId.generate();

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class,
                () -> storage().populateBatch(record.id(), unknown));
        assertThat(nf.entity()).isEqualTo(Entity.FILE);
        assertThat(nf.id()).isEqualTo(unknown.toString());
        thrown(BatchStorageException.InvalidState.class, () -> storage().populateBatch(record.id(), deleted));

        Batch after = batch(record.id());
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(after.inProgressAt()).isNull();
        assertThat(requests(record.id())).isEmpty();
        storage().populateBatch(record.id(), file);
        assertThat(batch(record.id()).counts()).isEqualTo(counts(2, 2, 0, 0, 0, 0));
    }

    @Test
    @Rule("BS-2.12")
    default void virtualFilesBelongToTheOwner() {
        Batch owned = storage().createBatchRecord(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "alice", "key-7",
                null, null));
        Batch ownerless = storage().createBatchRecord(new BatchInput(upload(1, M), PATH, "24h", Map.of(), "", null, null,
                null));

        for (FileId id : List.of(owned.outputFileId(), owned.errorFileId())) {
            BatchFile f = storage().getFile(id);
            assertThat(f.uploadedBy()).isEqualTo("alice");
            assertThat(f.apiKeyId()).isEqualTo("key-7");
        }
        for (FileId id : List.of(ownerless.outputFileId(), ownerless.errorFileId())) {
            BatchFile f = storage().getFile(id);
            assertThat(f.uploadedBy()).isNull();
            assertThat(f.apiKeyId()).isNull();
        }
        assertThat(storage().listFiles(FileFilter.all().withUploadedBy("alice").withPurpose(Purpose.BATCH_OUTPUT)))
                .extracting(BatchFile::id).containsExactly(owned.outputFileId());
        assertThat(storage().listFiles(FileFilter.all().withUploadedBy("alice").withPurpose(Purpose.BATCH_ERROR)))
                .extracting(BatchFile::id).containsExactly(owned.errorFileId());
    }
}
