package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStatusFilter;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.batch.VirtualFileSize;
import dev.salvo.core.daemon.DaemonId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link dev.salvo.core.batch.BatchStorage} adapter must pass: files, batches, the request
 * state machine, claims, racing escalation and the finalizer, as docs/batch-storage.md describes them.
 * Subclass it, return a fresh, empty backend from {@link #newStores}, declare {@link #capabilities()}, and
 * (for {@link Capability#DURABLE}) implement {@link #reopen}. Rule ids and statements are listed in
 * {@code dev/salvo/conformance/batch/rules.tsv}; each display name starts with its rule id.
 *
 * <p>Every state is reached through real port operations (upload, create, claim, persist, cancel…), never by
 * writing rows directly, so the suite runs unchanged against every backend.
 */
public abstract class BatchStorageContract extends BatchStoresContractSupport {

    private static final String M = "model-a";
    /** A notBefore that lies ahead on any adapter's clock, controllable or not. */
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
    private static final String M2 = "model-b";

    // ================================================================ 1. files

    @Test
    @DisplayName("BS-1.1 createFile stores the templates in upload order with line numbers from 0, byte for byte")
    void createFileKeepsTemplates() {
        List<RequestTemplateInput> templates = List.of(
                template("first", M), template("zweite ✓", M2),
                new RequestTemplateInput("third", "http://other.test", "PUT", "/v1/embeddings",
                        "{\"input\":\"naïve \\\"quoted\\\" 日本語 🚀\",\"n\":1}", M, "k3"));
        FileId id = upload("three.jsonl", templates);

        List<FileContentItem> items = content(id);
        assertThat(items).hasSize(3).allMatch(FileContentItem.TemplateLine.class::isInstance);
        for (int i = 0; i < 3; i++) {
            FileContentItem.TemplateLine line = (FileContentItem.TemplateLine) items.get(i);
            RequestTemplateInput expected = templates.get(i);
            assertThat(line.lineNumber()).isEqualTo(i);
            assertThat(line.template().customId()).isEqualTo(expected.customId());
            assertThat(line.template().endpoint()).isEqualTo(expected.endpoint());
            assertThat(line.template().method()).isEqualTo(expected.method());
            assertThat(line.template().path()).isEqualTo(expected.path());
            assertThat(line.template().body()).isEqualTo(expected.body());
            assertThat(line.template().model()).isEqualTo(expected.model());
        }
        BatchFile file = storage().getFile(id);
        assertThat(file.id()).isEqualTo(id);
        assertThat(file.name()).isEqualTo("three.jsonl");
        assertThat(file.description()).isEqualTo("description of three.jsonl");
        assertThat(file.purpose()).isEqualTo(Purpose.BATCH);
        assertThat(file.status()).isEqualTo(FileStatus.PROCESSED);
        assertThat(file.isVirtual()).isFalse();
        assertThat(file.deletedAt()).isNull();
    }

    @Test
    @DisplayName("BS-1.2 createFileStream merges metadata items per field, last writer wins, wherever they appear")
    void streamMergesMetadata() {
        List<FileStreamItem> items = List.of(
                new FileStreamItem.Metadata(new FileMetadata("first.jsonl", "first description", "batch", null, null,
                        100L, "alice", "key-1")),
                new FileStreamItem.Template(template("a", M)),
                new FileStreamItem.Metadata(new FileMetadata("second.jsonl", null, null, null, null, 250L, null, null)),
                new FileStreamItem.Template(template("b", M)),
                new FileStreamItem.Metadata(new FileMetadata(null, null, null, null, null, null, null, "key-2")),
                new FileStreamItem.Template(template("c", M)));
        FileStreamResult result = storage().createFileStream(items.iterator());

        assertThat(result).isInstanceOf(FileStreamResult.Success.class);
        FileId id = ((FileStreamResult.Success) result).fileId();
        BatchFile file = storage().getFile(id);
        assertThat(file.name()).isEqualTo("second.jsonl");
        assertThat(file.description()).isEqualTo("first description");
        assertThat(file.sizeBytes()).isEqualTo(250L);
        assertThat(file.uploadedBy()).isEqualTo("alice");
        assertThat(file.apiKeyId()).isEqualTo("key-2");
        assertThat(file.purpose()).isEqualTo(Purpose.BATCH);
        assertThat(customIds(content(id))).containsExactly("a", "b", "c");
        assertThat(content(id)).extracting(i -> ((FileContentItem.TemplateLine) i).lineNumber()).containsExactly(0L, 1L, 2L);
    }

    @Test
    @DisplayName("BS-1.3 an Abort item rolls the stream back and answers Aborted; nothing is stored")
    void abortRollsBack() {
        FileStreamResult afterTemplates = storage().createFileStream(List.<FileStreamItem>of(
                new FileStreamItem.Metadata(FileMetadata.named("aborted.jsonl")),
                new FileStreamItem.Template(template("a", M)),
                new FileStreamItem.Template(template("b", M)),
                new FileStreamItem.Abort()).iterator());
        FileStreamResult atOnce = storage().createFileStream(List.<FileStreamItem>of(new FileStreamItem.Abort()).iterator());

        assertThat(afterTemplates).isInstanceOf(FileStreamResult.Aborted.class);
        assertThat(atOnce).isInstanceOf(FileStreamResult.Aborted.class);
        assertThat(storage().listFiles(FileFilter.all())).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withSearch("aborted"))).isEmpty();
    }

    @Test
    @DisplayName("BS-1.4 an exception thrown by the producer propagates unchanged and nothing is stored")
    void producerExceptionPropagates() {
        IllegalStateException boom = new IllegalStateException("producer failed after two templates");
        Iterator<FileStreamItem> failing = new Iterator<>() {
            private int produced;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public FileStreamItem next() {
                produced++;
                if (produced == 1) {
                    return new FileStreamItem.Metadata(FileMetadata.named("broken.jsonl"));
                }
                if (produced <= 3) {
                    return new FileStreamItem.Template(template("t" + produced, M));
                }
                throw boom;
            }
        };

        Throwable thrown = catchThrowable(() -> storage().createFileStream(failing));

        assertThat(thrown).isSameAs(boom);
        assertThat(storage().listFiles(FileFilter.all())).isEmpty();
        // the store still works afterwards
        FileId ok = upload(2, M);
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactly(ok);
    }

    @Test
    @DisplayName("BS-1.5 uploads expire after 30 days unless expiresAfterSeconds says otherwise")
    void uploadLifetime() {
        FileId defaulted = upload(1, M);
        FileId hour = uploadWith(new FileMetadata("hour.jsonl", null, "batch", "created_at", 3600L, null, null, null),
                templates(1, M));

        BatchFile d = storage().getFile(defaulted);
        BatchFile h = storage().getFile(hour);
        assertThat(d.expiresAt()).isEqualTo(d.createdAt().plus(Duration.ofDays(30)));
        assertThat(h.expiresAt()).isEqualTo(h.createdAt().plus(Duration.ofHours(1)));
        assertThat(d.status()).isEqualTo(FileStatus.PROCESSED);
        assertThat(h.status()).isEqualTo(FileStatus.PROCESSED);
    }

    @Test
    @DisplayName("BS-1.6 a file whose lifetime passed reads as expired, and reading it changes nothing")
    void expiredFileStatusIsDerived() {
        requires(Capability.CONTROLLABLE_CLOCK);
        FileId shortLived = uploadWith(new FileMetadata("short.jsonl", null, "batch", "created_at", 60L, null, null, null),
                templates(2, M));
        FileId longLived = upload(2, M);

        clock.advance(Duration.ofSeconds(61));

        assertThat(storage().getFile(shortLived).status()).isEqualTo(FileStatus.EXPIRED);
        assertThat(storage().getFile(longLived).status()).isEqualTo(FileStatus.PROCESSED);
        assertThat(storage().listFiles(new FileFilter(null, FileStatus.EXPIRED, null, null, null, null, null, false)))
                .extracting(BatchFile::id).containsExactly(shortLived);
        assertThat(storage().listFiles(new FileFilter(null, FileStatus.PROCESSED, null, null, null, null, null, false)))
                .extracting(BatchFile::id).containsExactly(longLived);
        assertThat(storage().getFile(shortLived).deletedAt()).isNull();
        assertThat(storage().getFile(shortLived).status()).isEqualTo(FileStatus.EXPIRED);
    }

    @Test
    @DisplayName("BS-1.7 getFile of an unknown or deleted file is NotFound; a deleted file is invisible to every read")
    void deletedFileIsInvisible() {
        FileId unknown = FileId.generate();
        assertThat(thrown(BatchStorageException.NotFound.class, () -> storage().getFile(unknown)).entity())
                .isEqualTo(Entity.FILE);

        FileId kept = upload("kept.jsonl", templates(2, M));
        FileId gone = upload("gone.jsonl", templates(2, M));
        storage().deleteFile(gone);

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class, () -> storage().getFile(gone));
        assertThat(nf.entity()).isEqualTo(Entity.FILE);
        assertThat(nf.id()).isEqualTo(gone.toString());
        thrown(BatchStorageException.NotFound.class, () -> storage().getFileFromPrimary(gone));
        thrown(BatchStorageException.NotFound.class, () -> content(gone));
        thrown(BatchStorageException.NotFound.class, () -> storage().getFileTemplateStats(gone));
        thrown(BatchStorageException.NotFound.class, () -> storage().createBatchRecord(input(gone)));
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactly(kept);
        assertThat(storage().listFiles(FileFilter.all().withSearch("gone"))).isEmpty();
    }

    @Test
    @DisplayName("BS-1.8 listFiles filters by uploader, purpose, status and API key ids (null any, empty none)")
    void listFilesFilters() {
        FileId a1 = uploadWith(fileMeta("a1.jsonl", "alice", "key-1"), templates(1, M));
        FileId a2 = uploadWith(fileMeta("a2.jsonl", "alice", "key-2"), templates(1, M));
        FileId b1 = uploadWith(fileMeta("b1.jsonl", "bob", "key-1"), templates(1, M));
        Batch batch = storage().createBatch(new BatchInput(a1, PATH, "24h", Map.of(), "alice", "key-1", null, null));

        assertThat(storage().listFiles(FileFilter.all().withUploadedBy("alice").withPurpose(Purpose.BATCH)))
                .extracting(BatchFile::id).containsExactlyInAnyOrder(a1, a2);
        assertThat(storage().listFiles(FileFilter.all().withUploadedBy("bob"))).extracting(BatchFile::id)
                .containsExactly(b1);
        assertThat(storage().listFiles(FileFilter.all().withUploadedBy("carol"))).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH_OUTPUT))).extracting(BatchFile::id)
                .containsExactly(batch.outputFileId());
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH_ERROR))).extracting(BatchFile::id)
                .containsExactly(batch.errorFileId());
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH).withApiKeyIds(List.of("key-1"))))
                .extracting(BatchFile::id).containsExactlyInAnyOrder(a1, b1);
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH).withApiKeyIds(List.of("key-2", "key-9"))))
                .extracting(BatchFile::id).containsExactly(a2);
        assertThat(storage().listFiles(FileFilter.all().withApiKeyIds(List.of()))).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH).withApiKeyIds(null)))
                .extracting(BatchFile::id).containsExactlyInAnyOrder(a1, a2, b1);
        assertThat(storage().listFiles(new FileFilter(null, FileStatus.DELETED, null, null, null, null, null, false)))
                .isEmpty();
    }

    @Test
    @DisplayName("BS-1.9 listFiles search is a case-insensitive literal substring of the name: % _ and quotes are plain")
    void listFilesSearchIsLiteral() {
        FileId percent = upload("Report_2024%final.jsonl", templates(1, M));
        FileId plain = upload("report-2024xfinal.jsonl", templates(1, M));
        FileId quoted = upload("o'brien \"q\" ; drop table files.jsonl", templates(1, M));
        FileId backslash = upload("back\\slash.jsonl", templates(1, M));

        assertThat(search("REPORT")).containsExactlyInAnyOrder(percent, plain);
        assertThat(search("%")).containsExactly(percent);
        assertThat(search("_2024%")).containsExactly(percent);
        assertThat(search("_")).containsExactly(percent);
        assertThat(search("2024_final")).isEmpty();
        assertThat(search("'")).containsExactly(quoted);
        assertThat(search("\"q\"")).containsExactly(quoted);
        assertThat(search("' OR '1'='1")).isEmpty();
        assertThat(search("\\")).containsExactly(backslash);
        assertThat(search("no such name")).isEmpty();
        assertThat(storage().listFiles(FileFilter.all())).hasSize(4);
    }

    private List<FileId> search(String text) {
        return storage().listFiles(FileFilter.all().withSearch(text)).stream().map(BatchFile::id).toList();
    }

    @Test
    @DisplayName("BS-1.10 listFiles is newest first by default, ascending on request, and keyset pages have no gaps or repeats")
    void listFilesPaging() {
        List<FileId> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(upload("page-" + i + ".jsonl", templates(1, M)));
            if (has(Capability.CONTROLLABLE_CLOCK) && i % 2 == 0) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        // (createdAt, id) order; ids created within one millisecond are not ordered by creation
        List<FileId> ascendingOrder = created.stream().map(storage()::getFile)
                .sorted(Comparator.comparing(BatchFile::createdAt).thenComparing(BatchFile::id))
                .map(BatchFile::id).toList();
        List<FileId> newestFirst = ascendingOrder.reversed();
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactlyElementsOf(newestFirst);
        assertThat(storage().listFiles(FileFilter.all().inAscendingOrder(true))).extracting(BatchFile::id)
                .containsExactlyElementsOf(ascendingOrder);

        for (boolean ascending : new boolean[] {false, true}) {
            List<FileId> paged = new ArrayList<>();
            FileId cursor = null;
            for (int pages = 0; pages < 10; pages++) {
                List<BatchFile> page = storage().listFiles(FileFilter.all().inAscendingOrder(ascending).page(cursor, 3));
                assertThat(page.size()).isLessThanOrEqualTo(3);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(f -> paged.add(f.id()));
                cursor = page.getLast().id();
            }
            assertThat(paged).as("ascending=%s", ascending).containsExactlyElementsOf(ascending ? ascendingOrder : newestFirst);
        }
        assertThat(storage().listFiles(FileFilter.all().page(null, 2))).extracting(BatchFile::id)
                .containsExactly(newestFirst.get(0), newestFirst.get(1));
    }

    @Test
    @DisplayName("BS-1.11 input file content supports offset and a case-insensitive literal search on custom_id")
    void inputContentOffsetAndSearch() {
        FileId id = upload("search.jsonl", templatesWithIds(M, "Alpha_1", "alpha%2", "beta'3", "ALPHA_x", "gamma\"4",
                "delta", "alphabet"));

        assertThat(customIds(content(id, 0, "alpha"))).containsExactly("Alpha_1", "alpha%2", "ALPHA_x", "alphabet");
        assertThat(customIds(content(id, 0, "_"))).containsExactly("Alpha_1", "ALPHA_x");
        assertThat(customIds(content(id, 0, "%"))).containsExactly("alpha%2");
        assertThat(customIds(content(id, 0, "a%"))).containsExactly("alpha%2");
        assertThat(customIds(content(id, 0, "'"))).containsExactly("beta'3");
        assertThat(customIds(content(id, 0, "\""))).containsExactly("gamma\"4");
        assertThat(customIds(content(id, 0, "A_"))).containsExactly("Alpha_1", "ALPHA_x");
        assertThat(customIds(content(id, 0, "zzz"))).isEmpty();
        assertThat(customIds(content(id, 4, null))).containsExactly("gamma\"4", "delta", "alphabet");
        assertThat(content(id, 4, null)).extracting(i -> ((FileContentItem.TemplateLine) i).lineNumber())
                .containsExactly(4L, 5L, 6L);
        assertThat(customIds(content(id, 2, "alpha"))).containsExactly("ALPHA_x", "alphabet");
        assertThat(content(id, 7, null)).isEmpty();
        assertThat(content(id, 100, null)).isEmpty();
        assertThat(storage().getFileContent(id)).isEqualTo(content(id));
    }

    @Test
    @DisplayName("BS-1.12 getFileTemplateStats gives per model the template count and body bytes, sorted by model")
    void templateStats() {
        List<RequestTemplateInput> templates = templates(7, "zeta-model", "alpha-model", "mid-model");
        FileId id = upload("stats.jsonl", templates);

        List<ModelTemplateStats> stats = storage().getFileTemplateStats(id);

        assertThat(stats).extracting(ModelTemplateStats::model).containsExactly("alpha-model", "mid-model", "zeta-model");
        for (ModelTemplateStats s : stats) {
            List<RequestTemplateInput> ofModel = templates.stream().filter(t -> t.model().equals(s.model())).toList();
            assertThat(s.requestCount()).as(s.model()).isEqualTo(ofModel.size());
            assertThat(s.totalBodyBytes()).as(s.model())
                    .isEqualTo(ofModel.stream().mapToLong(RequestTemplateInput::bodyByteSize).sum());
        }
        assertThat(stats.stream().mapToLong(ModelTemplateStats::requestCount).sum()).isEqualTo(7);
    }

    @Test
    @DisplayName("BS-1.13 deleteFile cancels running batches that read it (cancelling while work is in flight) and unlinks them")
    void deleteFileCascades() {
        FileId file = upload("shared.jsonl", templates(3, M));
        Batch done = storage().createBatch(input(file));
        DaemonId daemon = liveDaemon();
        completeAll(daemon, M, 3);
        assertThat(batch(done.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        Batch idle = storage().createBatch(input(file));
        Batch busy = storage().createBatch(input(upload("busy.jsonl", templates(3, M2))));
        FileId busyFile = busy.fileId();
        BatchRequest inFlight = processing(daemon, M2, 1).getFirst();

        storage().deleteFile(file);
        storage().deleteFile(busyFile);

        Batch doneAfter = batch(done.id());
        assertThat(doneAfter.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(doneAfter.fileId()).isNull();
        assertThat(doneAfter.counts()).isEqualTo(counts(3, 0, 0, 3, 0, 0));
        assertThat(customIds(content(doneAfter.outputFileId()))).hasSize(3);
        Batch idleAfter = batch(idle.id());
        assertThat(idleAfter.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(idleAfter.fileId()).isNull();
        assertThat(idleAfter.counts()).isEqualTo(counts(3, 0, 0, 0, 0, 3));
        Batch busyAfter = batch(busy.id());
        assertThat(busyAfter.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(busyAfter.fileId()).isNull();
        assertThat(claim(daemon, 10, Map.of(M, 10, M2, 10))).isEmpty();

        assertThat(complete(inFlight).applied()).isTrue();
        Batch busyFinal = batch(busy.id());
        assertThat(busyFinal.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(busyFinal.counts()).isEqualTo(counts(3, 0, 0, 1, 0, 2));
    }

    @Test
    @DisplayName("BS-1.14 deleting a batch's output or error file unlinks it from the batch and nothing else changes")
    void deleteVirtualFileUnlinks() {
        Batch b = newBatch(2, M);
        FileId output = b.outputFileId();
        FileId error = b.errorFileId();

        storage().deleteFile(output);

        Batch after = batch(b.id());
        assertThat(after.outputFileId()).isNull();
        assertThat(after.errorFileId()).isEqualTo(error);
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(after.counts()).isEqualTo(counts(2, 2, 0, 0, 0, 0));
        assertThat(storage().getBatchByOutputFileId(output, OutputFileType.OUTPUT)).isEmpty();
        thrown(BatchStorageException.NotFound.class, () -> storage().getFile(output));
        assertThat(storage().getFile(error).purpose()).isEqualTo(Purpose.BATCH_ERROR);

        storage().deleteFile(error);
        assertThat(batch(b.id()).errorFileId()).isNull();
        assertThat(claim(liveDaemon(), M, 5)).hasSize(2);
    }

    @Test
    @DisplayName("BS-1.15 a large stream is stored whole: every line in order, readable from any offset")
    void largeStream() {
        int n = 5_000;
        Iterator<FileStreamItem> lazy = new Iterator<>() {
            private int next = -1;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public FileStreamItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return i < 0 ? new FileStreamItem.Metadata(FileMetadata.named("large.jsonl"))
                        : new FileStreamItem.Template(template(String.format("line-%05d", i), i % 2 == 0 ? M : M2));
            }
        };
        FileStreamResult result = storage().createFileStream(lazy);
        FileId id = ((FileStreamResult.Success) result).fileId();

        List<FileContentItem> tail = content(id, n - 3, null);
        assertThat(customIds(tail)).containsExactly("line-04997", "line-04998", "line-04999");
        assertThat(tail).extracting(i -> ((FileContentItem.TemplateLine) i).lineNumber())
                .containsExactly(4997L, 4998L, 4999L);
        List<FileContentItem> all = content(id);
        assertThat(all).hasSize(n);
        for (int i = 0; i < n; i += 997) {
            assertThat(((FileContentItem.TemplateLine) all.get(i)).lineNumber()).isEqualTo(i);
        }
        assertThat(storage().getFileTemplateStats(id)).extracting(ModelTemplateStats::requestCount)
                .containsExactly(2_500L, 2_500L);
    }

    @Test
    @DisplayName("BS-1.16 an unknown purpose is kept raw with purpose absent; getFileFromPrimary sees fresh writes")
    void unknownPurposeKeptRaw() {
        FileId odd = uploadWith(new FileMetadata("tune.jsonl", null, "fine-tune", null, null, null, null, null),
                templates(1, M));
        FileId normal = uploadWith(new FileMetadata("batch.jsonl", null, "BATCH", null, null, null, null, null),
                templates(1, M));

        BatchFile oddFile = storage().getFileFromPrimary(odd);
        assertThat(oddFile.purpose()).isNull();
        assertThat(oddFile.purposeValue()).isEmpty();
        assertThat(oddFile.rawPurpose()).isEqualTo("fine-tune");
        assertThat(storage().getFileFromPrimary(normal).purpose()).isEqualTo(Purpose.BATCH);
        assertThat(storage().getFileFromPrimary(normal)).isEqualTo(storage().getFile(normal));
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH))).extracting(BatchFile::id)
                .containsExactly(normal);
    }

    @Test
    @DisplayName("BS-1.17 case-insensitive search folds A-Z only: other letters match only themselves, the same on every adapter")
    void searchFoldsAsciiOnly() {
        FileId id = upload("Überblick-Ärger.jsonl", templatesWithIds(M, "CAFÉ-1", "café-2", "Straße-3", "STRASSE-4", "İstanbul-5",
                "istanbul-6", "ΣΟΦΙΑ-7"));

        assertThat(customIds(content(id, 0, "café"))).containsExactly("café-2");
        assertThat(customIds(content(id, 0, "CAF"))).containsExactly("CAFÉ-1", "café-2");
        assertThat(customIds(content(id, 0, "É"))).containsExactly("CAFÉ-1");
        assertThat(customIds(content(id, 0, "strasse"))).containsExactly("STRASSE-4");
        assertThat(customIds(content(id, 0, "ß"))).containsExactly("Straße-3");
        assertThat(customIds(content(id, 0, "istanbul"))).containsExactly("istanbul-6");
        assertThat(customIds(content(id, 0, "STANBUL"))).containsExactly("İstanbul-5", "istanbul-6");
        assertThat(customIds(content(id, 0, "σοφια"))).isEmpty();
        assertThat(customIds(content(id, 0, "ΣΟΦΙΑ"))).containsExactly("ΣΟΦΙΑ-7");
        assertThat(storage().listFiles(FileFilter.all().withSearch("überblick"))).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withSearch("Überblick-ärger"))).isEmpty();
        assertThat(storage().listFiles(FileFilter.all().withSearch("ÜBERBLICK-Ä"))).extracting(BatchFile::id)
                .containsExactly(id);
    }

    // ================================================================ 2. creating and populating batches

    @Test
    @DisplayName("BS-2.1 createBatchRecord creates a validating batch with every field, its deadline and expected total")
    void createBatchRecordFields() {
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
    @DisplayName("BS-2.2 a batch's output and error files are virtual: right purpose, never expire, empty until results exist")
    void virtualFiles() {
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
            clock.advance(Duration.ofDays(60));
            assertThat(storage().getFile(out.id()).status()).isEqualTo(FileStatus.PROCESSED);
        }
    }

    @Test
    @DisplayName("BS-2.3 completion windows 30s, 90m, 7d, 30d set the deadline; malformed or over-30-day windows are Validation")
    void completionWindows() {
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
    @DisplayName("BS-2.4 createBatchRecord for an unknown or deleted file is NotFound and creates nothing")
    void createBatchForMissingFile() {
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
    @DisplayName("BS-2.5 populateBatch creates one fresh pending request per template and the batch goes in_progress")
    void populateCreatesRequests() {
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
    @DisplayName("BS-2.6 populateBatch is idempotent: a second call changes nothing")
    void populateIsIdempotent() {
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
    @DisplayName("BS-2.7 populating from a file without templates is Validation; createBatch then marks the batch failed")
    void emptyFileFailsPopulation() {
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
    @DisplayName("BS-2.8 populateBatch of a cancelled, failed or deleted batch is InvalidState and creates no requests")
    void populateRefusedForDeadBatches() {
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
    @DisplayName("BS-2.9 each request carries a copy of its template and the batch's owner, deadline, metadata and key")
    void requestDataIsCopied() {
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

    // ================================================================ 3. batch status and counts

    @Test
    @DisplayName("BS-3.1 the write that makes the last request terminal completes the batch (finalizingAt and completedAt)")
    void lastResultCompletesBatch() {
        Batch b = newBatch(4, M);
        List<BatchRequest> running = processing(liveDaemon(), M, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(complete(running.get(i)).applied()).isTrue();
            Batch mid = batch(b.id());
            assertThat(mid.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(mid.completedAt()).isNull();
            assertThat(mid.finalizingAt()).isNull();
        }
        assertThat(complete(running.get(3)).applied()).isTrue();

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.finalizingAt()).isNotNull();
        assertThat(done.completedAt()).isNotNull();
        assertThat(done.finalizingAt()).isBeforeOrEqualTo(done.completedAt());
        assertThat(done.failedAt()).isNull();
        assertThat(done.cancelledAt()).isNull();
        assertThat(done.expiredAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(4, 0, 0, 4, 0, 0));
        assertThat(done.isTerminal()).isTrue();
        BatchStatus status = storage().getBatchStatus(b.id());
        assertThat(status.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(status.isFinished()).isTrue();
        assertThat(storage().finalizeBatches(100)).doesNotContain(b.id());
    }

    @Test
    @DisplayName("BS-3.2 a batch whose requests all failed is completed with failed == total, not failed")
    void allFailedIsCompleted() {
        Batch b = newBatch(3, M);
        failAll(liveDaemon(), M, 3);

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.failedAt()).isNull();
        assertThat(done.errorMessage()).isNull();
        assertThat(done.counts()).isEqualTo(counts(3, 0, 0, 0, 3, 0));
        assertThat(done.counts().failed()).isEqualTo(done.counts().total());
    }

    @Test
    @DisplayName("BS-3.3 completed, failed and canceled requests together complete the batch; cancelRequests can be the last write")
    void mixedOutcomesComplete() {
        Batch b = newBatch(5, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> running = processing(d, M, 3);
        complete(running.get(0));
        complete(running.get(1));
        fail(running.get(2));
        List<BatchRequest> pending = originals(b.id()).stream()
                .filter(r -> r.state().kind() == RequestStateKind.PENDING).toList();
        assertThat(pending).hasSize(2);

        storage().cancelRequests(List.of(pending.get(0).id()));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        storage().cancelRequests(List.of(pending.get(1).id()));

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.cancelledAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(5, 0, 0, 2, 1, 2));
    }

    @Test
    @DisplayName("BS-3.4 counts are exact through every request state: claimed and processing count as in progress")
    void exactCounts() {
        Batch b = newBatch(10, M);
        DaemonId d = liveDaemon();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 10, 0, 0, 0, 0));
        List<BatchRequest> claimed = claim(d, M, 6);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 4, 6, 0, 0, 0));
        List<BatchRequest> started = startAll(claimed.subList(0, 4));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(10, 4, 6, 0, 0, 0));
        complete(started.get(0));
        complete(started.get(1));
        fail(started.get(2));
        RequestId pendingOne = originals(b.id()).stream().filter(r -> r.state().kind() == RequestStateKind.PENDING)
                .findFirst().orElseThrow().id();
        storage().cancelRequests(List.of(pendingOne));

        RequestCounts expected = counts(10, 3, 3, 2, 1, 1);
        assertThat(batch(b.id()).counts()).isEqualTo(expected);
        assertThat(storage().getBatchStatus(b.id()).counts()).isEqualTo(expected);
        assertThat(storage().listBatches(ListBatchesFilter.all())).singleElement()
                .extracting(Batch::counts).isEqualTo(expected);
        assertThat(storage().listFileBatches(b.fileId())).singleElement().extracting(BatchStatus::counts).isEqualTo(expected);
        assertThat(expected.terminal()).isEqualTo(4);
    }

    @Test
    @DisplayName("BS-3.5 cancelling a batch with nothing in flight cancels it at once; unfinished requests count as canceled")
    void cancelIdleBatch() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        complete(processing(d, M, 1).getFirst());

        Batch returned = storage().cancelBatch(b.id());

        assertThat(returned.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(returned.cancellingAt()).isNotNull();
        assertThat(returned.cancelledAt()).isNotNull();
        assertThat(returned.completedAt()).isNull();
        assertThat(returned.counts()).isEqualTo(counts(3, 0, 0, 1, 0, 2));
        assertThat(batch(b.id())).isEqualTo(returned);
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).containsExactly(b.id());
        assertThat(customIds(content(b.outputFileId()))).hasSize(1);
    }

    @Test
    @DisplayName("BS-3.6 cancelling with work in flight gives cancelling (claims stop at once), cancelled when the last in-flight request is persisted")
    void cancelBusyBatch() {
        Batch b = newBatch(5, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 2);
        BatchRequest started = start(claimed.get(0));
        BatchRequest stillClaimed = claimed.get(1);

        Batch cancelling = storage().cancelBatch(b.id());

        assertThat(cancelling.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(cancelling.cancellingAt()).isNotNull();
        assertThat(cancelling.cancelledAt()).isNull();
        assertThat(cancelling.counts()).isEqualTo(counts(5, 0, 0, 0, 0, 5));
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).containsExactly(b.id());

        assertThat(complete(started).applied()).isTrue();
        Batch mid = batch(b.id());
        assertThat(mid.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(mid.counts()).isEqualTo(counts(5, 0, 0, 1, 0, 4));

        assertThat(cancelInFlight(stillClaimed).applied()).isTrue();
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(done.cancelledAt()).isNotNull();
        assertThat(done.cancellingAt()).isEqualTo(cancelling.cancellingAt());
        assertThat(done.completedAt()).isNull();
        assertThat(done.counts()).isEqualTo(counts(5, 0, 0, 1, 0, 4));
        assertThat(storage().finalizeBatches(100)).doesNotContain(b.id());
    }

    @Test
    @DisplayName("BS-3.7 cancelling a cancelling or cancelled batch is a no-op that keeps the first stamps")
    void cancelIsIdempotent() {
        Batch busy = newBatch(2, M);
        BatchRequest inFlight = claim(liveDaemon(), M, 1).getFirst();
        Batch first = storage().cancelBatch(busy.id());
        Batch again = storage().cancelBatch(busy.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(again.cancellingAt()).isEqualTo(first.cancellingAt());

        cancelInFlight(inFlight);
        Batch cancelled = batch(busy.id());
        assertThat(cancelled.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        Batch third = storage().cancelBatch(busy.id());
        assertThat(third.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(third.cancellingAt()).isEqualTo(first.cancellingAt());
        assertThat(third.cancelledAt()).isEqualTo(cancelled.cancelledAt());
    }

    @Test
    @DisplayName("BS-3.8 cancelling a completed or failed batch is InvalidState and changes nothing")
    void cancelFinishedBatchIsInvalid() {
        Batch completed = newBatch(2, M);
        completeAll(liveDaemon(), M, 2);
        Batch failed = newBatch(2, M2);
        storage().markBatchFailed(failed.id(), "upstream rejected the file");
        Batch completedBefore = batch(completed.id());
        Batch failedBefore = batch(failed.id());

        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(completed.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(failed.id()));

        assertThat(batch(completed.id())).isEqualTo(completedBefore);
        assertThat(batch(failed.id())).isEqualTo(failedBefore);
        assertThat(storage().getCancelledBatchIds(List.of(completed.id(), failed.id()))).isEmpty();
        thrown(BatchStorageException.NotFound.class, () -> storage().cancelBatch(BatchId.generate()));
    }

    @Test
    @DisplayName("BS-3.9 finalizeBatches expires a batch past its deadline: unfinished requests fail as batch_expired, results stay")
    void expiryThroughFinalizer() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Batch b = newBatch("1h", 6, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 5);
        Instant t = now();
        complete(start(claimed.get(0)), responseBody(claimed.get(0)), t);
        complete(start(claimed.get(1)), responseBody(claimed.get(1)), t);
        fail(start(claimed.get(2)), new FailureReason.NonRetriableHttpStatus(422, "unprocessable"), t);
        BatchRequest processingOne = start(claimed.get(3));
        BatchRequest claimedOne = claimed.get(4);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        List<BatchId> finalized = storage().finalizeBatches(100);

        assertThat(finalized).containsExactly(b.id());
        Batch expired = batch(b.id());
        assertThat(expired.status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
        assertThat(expired.expiredAt()).isNotNull();
        assertThat(expired.completedAt()).isNull();
        assertThat(expired.counts()).isEqualTo(counts(6, 0, 0, 2, 4, 0));
        assertThat(lineRequestIds(content(b.outputFileId())))
                .containsExactlyElementsOf(inIdOrder(List.of(claimed.get(0).id(), claimed.get(1).id())));
        List<FileContentItem> errors = content(b.errorFileId());
        RequestId pendingOne = originals(b.id()).stream()
                .filter(r -> !ids(claimed).contains(r.id())).findFirst().orElseThrow().id();
        List<RequestId> expiredIds = inIdOrder(List.of(processingOne.id(), claimedOne.id(), pendingOne));
        List<RequestId> expectedErrors = new ArrayList<>();
        expectedErrors.add(claimed.get(2).id());
        expectedErrors.addAll(expiredIds);
        assertThat(lineRequestIds(errors)).containsExactlyElementsOf(expectedErrors);
        assertThat(errors.subList(1, 4)).allSatisfy(e -> {
            FailureReason reason = ((FileContentItem.ErrorLine) e).reason();
            assertThat(reason).isEqualTo(new FailureReason.BatchExpired());
            assertThat(reason.code()).isEqualTo("batch_expired");
        });
        for (RequestId id : expiredIds) {
            assertThat(stateOf(id)).isInstanceOfSatisfying(RequestState.Failed.class,
                    f -> assertThat(f.reason()).isEqualTo(new FailureReason.BatchExpired()));
        }
        assertThat(complete(processingOne)).isEqualTo(new PersistResult.Dropped(RequestStateKind.FAILED));
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(b.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(b.id()));
        assertThat(storage().retryFailedRequests(List.of(pendingOne)))
                .containsExactly(new RequestOutcome.NotApplicable(pendingOne, RequestStateKind.FAILED));
        assertThat(storage().finalizeBatches(100)).isEmpty();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 0, 0, 2, 4, 0));
    }

    @Test
    @DisplayName("BS-3.10 reads never change anything: a batch past its deadline stays in progress until the finalizer runs")
    void readsNeverWrite() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Batch b = newBatch("30m", 3, M);
        BatchRequest inFlight = processing(liveDaemon(), M, 1).getFirst();
        clock.advance(Duration.ofHours(2));

        for (int i = 0; i < 2; i++) {
            assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(storage().getBatchStatus(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(storage().listBatches(ListBatchesFilter.all())).singleElement()
                    .extracting(Batch::status).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
            assertThat(content(b.errorFileId())).isEmpty();
            assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::status)
                    .containsExactlyInAnyOrder(ResultStatus.IN_PROGRESS, ResultStatus.PENDING, ResultStatus.PENDING);
            assertThat(kindOf(inFlight.id())).isEqualTo(RequestStateKind.PROCESSING);
            assertThat(storage().pollCompletedBatches(10)).isEmpty();
        }
        assertThat(storage().finalizeBatches(10)).containsExactly(b.id());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
    }

    @Test
    @DisplayName("BS-3.11 getBatchStatus is the batch's compact view with its input file's name")
    void batchStatusView() {
        FileId file = upload("named-input.jsonl", templates(3, M));
        Batch record = storage().createBatchRecord(new BatchInput(file, PATH, "24h", Map.of(), "", null, null, 3L));
        BatchStatus validating = storage().getBatchStatus(record.id());
        assertThat(validating).isEqualTo(BatchStatus.of(batch(record.id()), "named-input.jsonl"));
        assertThat(validating.status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(validating.counts().total()).isEqualTo(3);
        assertThat(validating.isFinished()).isFalse();

        storage().populateBatch(record.id(), file);
        BatchStatus running = storage().getBatchStatus(record.id());
        assertThat(running.batchId()).isEqualTo(record.id());
        assertThat(running.fileId()).isEqualTo(file);
        assertThat(running.fileName()).isEqualTo("named-input.jsonl");
        assertThat(running.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(running.inProgressAt()).isNotNull();
        assertThat(running).isEqualTo(BatchStatus.of(batch(record.id()), "named-input.jsonl"));
        assertThat(thrown(BatchStorageException.NotFound.class, () -> storage().getBatchStatus(BatchId.generate()))
                .entity()).isEqualTo(Entity.BATCH);
        assertThat(thrown(BatchStorageException.NotFound.class, () -> storage().getBatch(BatchId.generate()))
                .entity()).isEqualTo(Entity.BATCH);
    }

    // ================================================================ 4. results

    @Test
    @DisplayName("BS-4.1 the output file lists completed requests in (completedAt, id) order; new results append so offset resumes")
    void outputFileOrderAndAppend() {
        Batch b = newBatch(4, M);
        List<BatchRequest> r = processing(liveDaemon(), M, 4);
        Instant t = now();
        complete(r.get(2), "{\"n\":2,\"text\":\"zwei ✓\"}", t.plusSeconds(1));
        completeWith(r.get(0), 201, "{\"n\":0,\"text\":\"null 🚀\"}", t.plusSeconds(3));
        complete(r.get(3), "{\"n\":3}", t.plusSeconds(2));

        List<FileContentItem> out = content(b.outputFileId());
        assertThat(lineRequestIds(out)).containsExactly(r.get(2).id(), r.get(3).id(), r.get(0).id());
        FileContentItem.OutputLine first = (FileContentItem.OutputLine) out.get(2);
        assertThat(first.customId()).isEqualTo("req-00000");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.body()).isEqualTo("{\"n\":0,\"text\":\"null 🚀\"}");
        assertThat(((FileContentItem.OutputLine) out.get(0)).body()).isEqualTo("{\"n\":2,\"text\":\"zwei ✓\"}");
        assertThat(((FileContentItem.OutputLine) out.get(0)).statusCode()).isEqualTo(200);
        assertThat(lineRequestIds(content(b.outputFileId(), 1, null))).containsExactly(r.get(3).id(), r.get(0).id());

        complete(r.get(1), "{\"n\":1}", t.plusSeconds(4));
        assertThat(lineRequestIds(content(b.outputFileId())))
                .containsExactly(r.get(2).id(), r.get(3).id(), r.get(0).id(), r.get(1).id());
        assertThat(lineRequestIds(content(b.outputFileId(), 3, null))).containsExactly(r.get(1).id());
        assertThat(content(b.outputFileId(), 4, null)).isEmpty();
        assertThat(content(b.errorFileId())).isEmpty();
    }

    @Test
    @DisplayName("BS-4.2 the error file lists failed originals in (failedAt, id) order with their reasons intact; new failures append")
    void errorFileOrderAndAppend() {
        Batch b = newBatch(4, M);
        List<BatchRequest> r = processing(liveDaemon(), M, 4);
        Instant t = now();
        FailureReason http = new FailureReason.NonRetriableHttpStatus(400, "{\"error\":\"bad ✓\"}");
        FailureReason builder = new FailureReason.RequestBuilderError("bad url");
        FailureReason timeout = new FailureReason.Timeout("read timed out after 600s");
        fail(r.get(1), http, t.plusSeconds(2));
        fail(r.get(0), builder, t.plusSeconds(1));
        complete(r.get(3));

        List<FileContentItem> errors = content(b.errorFileId());
        assertThat(lineRequestIds(errors)).containsExactly(r.get(0).id(), r.get(1).id());
        FileContentItem.ErrorLine line = (FileContentItem.ErrorLine) errors.get(1);
        assertThat(line.customId()).isEqualTo("req-00001");
        assertThat(line.reason()).isEqualTo(http);
        assertThat(((FileContentItem.ErrorLine) errors.get(0)).reason()).isEqualTo(builder);

        fail(r.get(2), timeout, t.plusSeconds(3));
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(r.get(0).id(), r.get(1).id(), r.get(2).id());
        assertThat(content(b.errorFileId(), 2, null)).singleElement()
                .isEqualTo(new FileContentItem.ErrorLine(r.get(2).id(), "req-00002", timeout));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(r.get(3).id());
    }

    @Test
    @DisplayName("BS-4.3 output and error file search is a case-insensitive literal substring of custom_id")
    void resultFileSearch() {
        Batch b = storage().createBatch(input(upload("s.jsonl",
                templatesWithIds(M, "Cat_1", "cat%2", "dog'3", "CAT_4", "bird\"5", "cattle"))));
        List<BatchRequest> r = processing(liveDaemon(), M, 6);
        for (int i = 0; i < 6; i++) {
            if (i % 2 == 0) {
                complete(r.get(i));
            } else {
                fail(r.get(i));
            }
        }
        FileId out = b.outputFileId();
        FileId err = b.errorFileId();

        assertThat(customIds(content(out, 0, "CAT"))).containsExactly("Cat_1");
        assertThat(customIds(content(out, 0, "_"))).containsExactly("Cat_1");
        assertThat(customIds(content(err, 0, "cat"))).containsExactlyInAnyOrder("cat%2", "CAT_4", "cattle");
        assertThat(customIds(content(err, 0, "%"))).containsExactly("cat%2");
        assertThat(customIds(content(out, 0, "'"))).containsExactly("dog'3");
        assertThat(customIds(content(err, 0, "'"))).isEmpty();
        assertThat(customIds(content(out, 0, "\""))).containsExactly("bird\"5");
        assertThat(customIds(content(err, 0, "t_"))).containsExactly("CAT_4");
        assertThat(customIds(content(out, 0, "' or 1=1 --"))).isEmpty();
    }

    @Test
    @DisplayName("BS-4.4 virtual file sizes follow VirtualFileSize and become final once the batch is terminal")
    void virtualFileSize() {
        Batch b = newBatch(3, M);
        List<BatchRequest> r = processing(liveDaemon(), M, 3);
        String body0 = "{\"text\":\"Grüße ✓ 🚀\"}";
        String body1 = "{\"text\":\"plain\"}";
        complete(r.get(0), body0, now());
        complete(r.get(1), body1, now());

        BatchFile out = storage().getFile(b.outputFileId());
        long expectedOut = VirtualFileSize.ofOutput(2, utf8(body0) + utf8(body1));
        assertThat(out.sizeBytes()).isEqualTo(expectedOut);
        assertThat(out.sizeFinalized()).isFalse();
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isZero();

        FailureReason reason = new FailureReason.NetworkError("connection reset — zurückgesetzt");
        fail(r.get(2), reason, now());
        BatchFile outDone = storage().getFile(b.outputFileId());
        BatchFile errDone = storage().getFile(b.errorFileId());
        assertThat(outDone.sizeBytes()).isEqualTo(expectedOut);
        assertThat(outDone.sizeFinalized()).isTrue();
        assertThat(errDone.sizeBytes()).isEqualTo(VirtualFileSize.ofErrors(1, utf8(reason.message())));
        assertThat(errDone.sizeFinalized()).isTrue();
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    @DisplayName("BS-4.5 streamBatchResults gives one row per template in line order with status, result and input; offset, search and status filter")
    void batchResultsView() {
        Batch b = newBatch(6, M);
        List<BatchRequest> o = originals(b.id());
        List<BatchRequest> claimed = claim(liveDaemon(), M, 4);
        assertThat(ids(claimed)).containsExactlyElementsOf(ids(o.subList(0, 4)));
        BatchRequest p0 = start(claimed.get(0));
        BatchRequest p1 = start(claimed.get(1));
        start(claimed.get(2));
        complete(p0, "{\"ok\":true}", now());
        FailureReason reason = new FailureReason.NonRetriableHttpStatus(404, "missing");
        fail(p1, reason, now());
        storage().cancelRequests(List.of(o.get(4).id()));

        List<BatchResultItem> rows = results(b.id(), 0, null, null);
        assertThat(rows).extracting(BatchResultItem::lineNumber).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(rows).extracting(BatchResultItem::requestId).containsExactlyElementsOf(ids(o));
        assertThat(rows).extracting(BatchResultItem::status).containsExactly(ResultStatus.COMPLETED, ResultStatus.FAILED,
                ResultStatus.IN_PROGRESS, ResultStatus.IN_PROGRESS, ResultStatus.CANCELED, ResultStatus.PENDING);
        BatchResultItem done = rows.get(0);
        assertThat(done.customId()).isEqualTo("req-00000");
        assertThat(done.model()).isEqualTo(M);
        assertThat(done.inputBody()).isEqualTo(o.get(0).data().body());
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.responseBody()).isEqualTo("{\"ok\":true}");
        assertThat(done.error()).isNull();
        BatchResultItem failed = rows.get(1);
        assertThat(failed.error()).isEqualTo(reason);
        assertThat(failed.responseBody()).isNull();
        assertThat(rows.get(5).responseBody()).isNull();
        assertThat(rows.get(5).error()).isNull();

        assertThat(results(b.id(), 4, null, null)).extracting(BatchResultItem::lineNumber).containsExactly(4L, 5L);
        assertThat(results(b.id(), 0, null, ResultStatus.IN_PROGRESS)).extracting(BatchResultItem::lineNumber)
                .containsExactly(2L, 3L);
        assertThat(results(b.id(), 1, null, ResultStatus.IN_PROGRESS)).extracting(BatchResultItem::lineNumber)
                .containsExactly(3L);
        assertThat(results(b.id(), 0, null, ResultStatus.FAILED)).singleElement()
                .extracting(BatchResultItem::requestId).isEqualTo(o.get(1).id());
        assertThat(results(b.id(), 0, "REQ-00005", null)).singleElement()
                .extracting(BatchResultItem::lineNumber).isEqualTo(5L);
        assertThat(results(b.id(), 0, "%", null)).isEmpty();
        assertThat(thrown(BatchStorageException.NotFound.class, () -> results(BatchId.generate(), 0, null, null))
                .entity()).isEqualTo(Entity.BATCH);
    }

    @Test
    @DisplayName("BS-4.6 streamBatchRequests and getRequests show every request's current state; getRequests answers in order, Missing for unknown ids")
    void requestReads() {
        Batch b = newBatch(3, M);
        List<BatchRequest> o = originals(b.id());
        DaemonId d = liveDaemon();
        BatchRequest c = claim(d, M, 1).getFirst();
        assertThat(c.id()).isEqualTo(o.get(0).id());
        RequestId unknown = RequestId.generate();

        List<RequestLookup> lookups = storage().getRequests(List.of(o.get(2).id(), unknown, o.get(0).id()));

        assertThat(lookups).extracting(RequestLookup::requestId).containsExactly(o.get(2).id(), unknown, o.get(0).id());
        assertThat(lookups.get(1)).isEqualTo(new RequestLookup.Missing(unknown));
        assertThat(((RequestLookup.Found) lookups.get(2)).request()).isEqualTo(c);
        assertThat(((RequestLookup.Found) lookups.get(0)).request().state()).isEqualTo(RequestState.Pending.fresh());
        assertThat(storage().foundRequests(List.of(unknown, o.get(1).id()))).extracting(BatchRequest::id)
                .containsExactly(o.get(1).id());
        List<BatchRequest> all = requests(b.id());
        assertThat(all).extracting(r -> r.data().lineNumber()).containsExactly(0L, 1L, 2L);
        assertThat(all.get(0)).isEqualTo(c);
        assertThat(all.get(0).state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                s -> assertThat(s.daemonId()).isEqualTo(d));
        assertThat(storage().getRequests(List.of())).isEmpty();
        assertThat(thrown(BatchStorageException.NotFound.class, () -> requests(BatchId.generate())).entity())
                .isEqualTo(Entity.BATCH);
    }

    @Test
    @DisplayName("BS-4.7 while a batch is cancelled, the results view shows its unfinished requests as canceled, as the counts do")
    void batchResultsViewOfACancelledBatch() {
        Batch b = newBatch(3, M);
        List<BatchRequest> claimed = claim(liveDaemon(), M, 2);
        complete(start(claimed.get(0)), "{\"ok\":true}", now());
        start(claimed.get(1));
        Batch cancelling = storage().cancelBatch(b.id());
        assertThat(cancelling.counts().canceled()).isEqualTo(2);

        List<BatchResultItem> rows = results(b.id(), 0, null, null);
        assertThat(rows).extracting(BatchResultItem::status)
                .containsExactly(ResultStatus.COMPLETED, ResultStatus.CANCELED, ResultStatus.CANCELED);
        assertThat(rows.get(0).responseBody()).isEqualTo("{\"ok\":true}");
        assertThat(results(b.id(), 0, null, ResultStatus.CANCELED)).extracting(BatchResultItem::lineNumber)
                .containsExactly(1L, 2L);
        assertThat(results(b.id(), 0, null, ResultStatus.PENDING)).isEmpty();
    }

    // ================================================================ 5. claims


    @Test
    @DisplayName("BS-5.1 a claim moves pending requests to claimed by the daemon, keeping the attempt; what it returns is what is stored")
    void claimMovesToClaimed() {
        newBatch(3, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> claimed = claim(d, M, 2);

        assertThat(claimed).hasSize(2);
        for (BatchRequest r : claimed) {
            assertThat(r.state()).isInstanceOfSatisfying(RequestState.Claimed.class, s -> {
                assertThat(s.daemonId()).isEqualTo(d);
                assertThat(s.retryAttempt()).isZero();
                if (has(Capability.CONTROLLABLE_CLOCK)) {
                    assertThat(s.claimedAt()).isEqualTo(now());
                }
            });
            assertThat(reload(r.id())).isEqualTo(r);
        }
        assertThat(claim(d, M, 5)).hasSize(1);
        assertThat(claim(d, M, 5)).isEmpty();
    }

    @Test
    @DisplayName("BS-5.2 only running batches are claimed: never validating, cancelling, cancelled, failed, completed or deleted ones")
    void onlyRunningBatchesClaimed() {
        DaemonId d = liveDaemon();
        Batch cancelling = newBatch(3, M);
        BatchRequest held = claim(d, M, 1).getFirst();
        storage().cancelBatch(cancelling.id());
        Batch cancelled = newBatch(3, M);
        storage().cancelBatch(cancelled.id());
        Batch failed = newBatch(3, M);
        storage().markBatchFailed(failed.id(), "failed on purpose");
        Batch deleted = newBatch(3, M);
        storage().deleteBatch(deleted.id());
        FileId recordOnly = upload(3, M);
        storage().createBatchRecord(input(recordOnly));
        Batch running = newBatch(2, M2);

        List<BatchRequest> claimed = claim(d, 100, Map.of(M, 100, M2, 100));

        assertThat(claimed).extracting(r -> r.data().batchId()).containsOnly(running.id());
        assertThat(claimed).hasSize(2);
        assertThat(batch(cancelling.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(kindOf(held.id())).isEqualTo(RequestStateKind.CLAIMED);
    }

    @Test
    @DisplayName("BS-5.3 requests of a batch whose deadline passed are never claimed, before or after the finalizer")
    void pastDeadlineNotClaimed() {
        requires(Capability.CONTROLLABLE_CLOCK);
        newBatch("1h", 3, M);
        Batch later = newBatch("2h", 2, M);
        clock.advance(Duration.ofMinutes(61));
        DaemonId d = liveDaemon();

        assertThat(claim(d, M, 10)).extracting(r -> r.data().batchId()).containsOnly(later.id()).hasSize(2);
        storage().finalizeBatches(10);
        assertThat(claim(d, M, 10)).isEmpty();
    }

    @Test
    @DisplayName("BS-5.4 a pending request whose notBefore lies ahead is not claimed")
    void notBeforeAheadNotClaimed() {
        newBatch(3, M);
        DaemonId d = liveDaemon();
        BatchRequest first = processing(d, M, 1).getFirst();
        assertThat(reschedule(first, new RequestState.Pending(1, FAR_FUTURE))).isTrue();

        List<BatchRequest> claimed = claim(d, M, 10);

        assertThat(claimed).hasSize(2).extracting(BatchRequest::id).doesNotContain(first.id());
        assertThat(claim(d, M, 10)).isEmpty();
        assertThat(stateOf(first.id())).isEqualTo(new RequestState.Pending(1, FAR_FUTURE));
    }

    @Test
    @DisplayName("BS-5.5 a retry becomes claimable once the clock passes its notBefore, and keeps its attempt")
    void notBeforePassing() {
        requires(Capability.CONTROLLABLE_CLOCK);
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest r = processing(d, M, 1).getFirst();
        reschedule(r, new RequestState.Pending(2, now().plusSeconds(30)));

        clock.advance(Duration.ofSeconds(29));
        assertThat(claim(d, M, 1)).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        List<BatchRequest> again = claim(d, M, 1);

        assertThat(again).singleElement().extracting(BatchRequest::id).isEqualTo(r.id());
        assertThat(again.getFirst().state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                s -> assertThat(s.retryAttempt()).isEqualTo(2));
    }

    @Test
    @DisplayName("BS-5.6 a claim takes no more than each model's capacity and no more than the limit in total")
    void capacityAndLimit() {
        newBatch(20, M, M2);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = claim(d, 5, Map.of(M, 3, M2, 10));
        assertThat(first).hasSize(5);
        assertThat(first.stream().filter(r -> r.data().model().equals(M)).count()).isLessThanOrEqualTo(3);

        assertThat(claim(d, 0, Map.of(M, 10, M2, 10))).isEmpty();
        List<BatchRequest> second = claim(d, 100, Map.of(M, 4));
        assertThat(second).hasSize(4).allMatch(r -> r.data().model().equals(M));
        List<BatchRequest> rest = claim(d, 100, Map.of(M, 100, M2, 100));
        assertThat(first.size() + second.size() + rest.size()).isEqualTo(20);
        assertThat(rest.stream().filter(r -> r.data().model().equals(M)).count())
                .isEqualTo(10 - 4 - first.stream().filter(r -> r.data().model().equals(M)).count());
    }

    @Test
    @DisplayName("BS-5.7 models absent from the capacity map or with zero or negative capacity are never claimed")
    void zeroCapacityNeverClaimed() {
        newBatch(9, M, M2, "model-c");
        DaemonId d = liveDaemon();

        assertThat(claim(d, 100, Map.of(M2, 0, "model-c", -1))).isEmpty();
        assertThat(claim(d, 100, Map.of())).isEmpty();
        List<BatchRequest> claimed = claim(d, 100, Map.of(M, 100, M2, 0, "unknown-model", 5));
        assertThat(claimed).hasSize(3).allMatch(r -> r.data().model().equals(M));
    }

    @Test
    @DisplayName("BS-5.8 with urgencyWeight 0 the batches of owners with fewer requests in flight are served first")
    void fairnessOrder() {
        Batch alices = newOwnedBatch("alice", "24h", 5, M);
        Batch bobs = newOwnedBatch("bob", "24h", 5, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = storage().claimRequests(
                new ClaimRequest(3, d, Map.of(M, 3), Map.of("alice", 4, "bob", 1), 0.0));
        assertThat(first).hasSize(3).allMatch(r -> r.data().batchId().equals(bobs.id()));

        List<BatchRequest> second = storage().claimRequests(
                new ClaimRequest(3, d, Map.of(M, 3), Map.of("alice", 0, "bob", 7), 0.0));
        assertThat(second).hasSize(3).allMatch(r -> r.data().batchId().equals(alices.id()));
        assertThat(second).allMatch(r -> r.data().createdBy().equals("alice"));
    }

    @Test
    @DisplayName("BS-5.9 with urgencyWeight 1 the batch with the earlier deadline is served first, whatever the owners' load")
    void urgencyOrder() {
        Batch relaxed = newOwnedBatch("xavier", "10h", 5, M);
        Batch urgent = newOwnedBatch("yvonne", "2h", 5, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = storage().claimRequests(
                new ClaimRequest(4, d, Map.of(M, 4), Map.of("yvonne", 50, "xavier", 0), 1.0));
        assertThat(first).hasSize(4).allMatch(r -> r.data().batchId().equals(urgent.id()));
        List<BatchRequest> second = storage().claimRequests(
                new ClaimRequest(4, d, Map.of(M, 4), Map.of("yvonne", 50, "xavier", 0), 1.0));
        assertThat(second).hasSize(4);
        assertThat(second.stream().filter(r -> r.data().batchId().equals(urgent.id())).count()).isEqualTo(1);
        assertThat(second.stream().filter(r -> r.data().batchId().equals(relaxed.id())).count()).isEqualTo(3);
    }

    @Test
    @DisplayName("BS-5.10 a claimed request carries the batch key (else the template's), owner, deadline and metadata")
    void claimCarriesBatchData() {
        List<RequestTemplateInput> templates = templates(2, M);
        FileId file = upload("carry.jsonl", templates);
        Batch keyed = newBatch(new BatchInput(file, PATH, "24h", Map.of("project", "apollo", "team", "ops"), "erin",
                "kid-1", "batch-secret", null));
        Batch unkeyed = newBatch(new BatchInput(upload(1, M2), PATH, "3h", Map.of(), "frank", null, null, null));
        DaemonId d = liveDaemon();

        List<BatchRequest> claimed = claim(d, 10, Map.of(M, 10, M2, 10));

        assertThat(claimed).hasSize(3);
        List<BatchRequest> fromKeyed = byLine(claimed.stream().filter(r -> r.data().batchId().equals(keyed.id())).toList());
        assertThat(fromKeyed).hasSize(2);
        for (int i = 0; i < 2; i++) {
            RequestData data = fromKeyed.get(i).data();
            assertThat(data.apiKey()).isEqualTo("batch-secret");
            assertThat(data.createdBy()).isEqualTo("erin");
            assertThat(data.batchExpiresAt()).isEqualTo(keyed.expiresAt());
            assertThat(data.batchMetadata()).isEqualTo(Map.of("project", "apollo", "team", "ops"));
            assertThat(data.body()).isEqualTo(templates.get(i).body());
            assertThat(data.customId()).isEqualTo(templates.get(i).customId());
            assertThat(data.endpoint()).isEqualTo(UPSTREAM);
            assertThat(data.path()).isEqualTo(PATH);
            assertThat(data.method()).isEqualTo("POST");
        }
        RequestData plain = claimed.stream().filter(r -> r.data().batchId().equals(unkeyed.id())).findFirst()
                .orElseThrow().data();
        assertThat(plain.apiKey()).isEqualTo("template-key-" + M2);
        assertThat(plain.createdBy()).isEqualTo("frank");
        assertThat(plain.batchExpiresAt()).isEqualTo(unkeyed.expiresAt());
        assertThat(plain.batchMetadata()).isEmpty();
    }

    @Test
    @DisplayName("BS-5.11 8 concurrent claimers over 10,000 requests: each request claimed exactly once, every call within its capacity")
    void concurrentClaimers() {
        int total = 10_000;
        for (int b = 0; b < 4; b++) {
            newOwnedBatch("owner-" + b, "24h", total / 4, M, M2);
        }
        int threads = 8;
        int limit = 50;
        Map<String, Integer> capacity = Map.of(M, 30, M2, 30);
        DaemonId[] daemons = new DaemonId[threads];
        for (int i = 0; i < threads; i++) {
            daemons[i] = liveDaemon();
        }
        Map<RequestId, DaemonId> claimedBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();

        Concurrently.run(threads, worker -> {
            for (int call = 0; call <= total; call++) {
                List<BatchRequest> got = storage().claimRequests(
                        new ClaimRequest(limit, daemons[worker], capacity, Map.of(), 0.5));
                calls.incrementAndGet();
                if (got.isEmpty()) {
                    return;
                }
                assertThat(got.size()).isLessThanOrEqualTo(limit);
                assertThat(got.stream().filter(r -> r.data().model().equals(M)).count()).isLessThanOrEqualTo(30);
                assertThat(got.stream().filter(r -> r.data().model().equals(M2)).count()).isLessThanOrEqualTo(30);
                for (BatchRequest r : got) {
                    if (claimedBy.putIfAbsent(r.id(), daemons[worker]) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
            throw new AssertionError("claims never ran dry (" + duplicates.get() + " duplicate claims so far)");
        });

        assertThat(duplicates).hasValue(0);
        assertThat(claimedBy).hasSize(total);
        assertThat(calls.get()).isGreaterThanOrEqualTo(total / limit);
        List<RequestLookup> stored = storage().getRequests(List.copyOf(claimedBy.keySet()));
        assertThat(stored).allSatisfy(l -> {
            BatchRequest r = ((RequestLookup.Found) l).request();
            assertThat(r.state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                    s -> assertThat(s.daemonId()).isEqualTo(claimedBy.get(r.id())));
        });
        assertThat(storage().listBatches(ListBatchesFilter.all())).allSatisfy(b ->
                assertThat(b.counts()).isEqualTo(counts(total / 4, 0, total / 4, 0, 0, 0)));
    }

    // ================================================================ 6. persist and the persist guard

    private static final String FAST = "model-fast";

    /** Seven requests of one fresh batch, each driven into {@code current} through real operations, in line order. */
    private List<BatchRequest> driveInto(RequestStateKind current, DaemonId d) {
        int n = RequestStateKind.values().length;
        Batch b = newBatch(n, M);
        return switch (current) {
            case PENDING -> originals(b.id());
            case CLAIMED -> claim(d, M, n);
            case PROCESSING -> processing(d, M, n);
            case COMPLETED -> {
                processing(d, M, n).forEach(this::complete);
                yield originals(b.id());
            }
            case FAILED -> {
                processing(d, M, n).forEach(this::fail);
                yield originals(b.id());
            }
            case CANCELED -> {
                storage().cancelRequests(ids(originals(b.id())));
                yield originals(b.id());
            }
            case SUPERSEDED -> {
                assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(
                        RequestStateKind.PENDING), FAST, null)).isEqualTo(n);
                processing(d, FAST, n).forEach(this::complete);
                yield originals(b.id());
            }
        };
    }

    /** A state of the given kind, as a daemon or the API would write it. */
    private RequestState stateOfKind(RequestStateKind kind, DaemonId d, RequestId witness) {
        Instant t = now();
        return switch (kind) {
            case PENDING -> new RequestState.Pending(1, t.plusSeconds(60));
            case CLAIMED -> new RequestState.Claimed(d, t, 0);
            case PROCESSING -> new RequestState.Processing(d, t, t, 0);
            case COMPLETED -> new RequestState.Completed(200, "{\"guard\":\"late ✓\"}", t, t, t, M);
            case FAILED -> new RequestState.Failed(new FailureReason.NonRetriableHttpStatus(500, "late"), t, 0, M);
            case CANCELED -> new RequestState.Canceled(t);
            case SUPERSEDED -> new RequestState.Superseded(t, witness);
        };
    }

    /**
     * For a request in {@code current}, persists each of the seven states and checks the outcome against
     * {@link PersistGuard#applies}: applied (and stored exactly) or Dropped(current) with nothing changed.
     */
    private void guardMatrix(RequestStateKind current) {
        DaemonId d = liveDaemon();
        RequestId witness = originals(newBatch(1, M2).id()).getFirst().id();
        List<BatchRequest> subjects = driveInto(current, d);
        RequestStateKind[] targets = RequestStateKind.values();
        assertThat(subjects).hasSize(targets.length).allMatch(r -> r.state().kind() == current);
        for (int i = 0; i < targets.length; i++) {
            BatchRequest subject = subjects.get(i);
            RequestState before = stateOf(subject.id());
            RequestState next = stateOfKind(targets[i], d, witness);

            PersistResult result = storage().persist(subject.withState(next));

            if (PersistGuard.applies(current, targets[i])) {
                assertThat(result).as("%s -> %s", current, targets[i]).isEqualTo(PersistResult.Applied.plain());
                assertThat(stateOf(subject.id())).as("%s -> %s stored", current, targets[i]).isEqualTo(next);
            } else {
                assertThat(result).as("%s -> %s", current, targets[i]).isEqualTo(new PersistResult.Dropped(current));
                assertThat(stateOf(subject.id())).as("%s -> %s unchanged", current, targets[i]).isEqualTo(before);
            }
        }
    }

    @Test
    @DisplayName("BS-6.1 persist onto a pending request applies every state (PersistGuard row pending)")
    void guardFromPending() {
        guardMatrix(RequestStateKind.PENDING);
    }

    @Test
    @DisplayName("BS-6.2 persist onto a claimed request applies every state (PersistGuard row claimed)")
    void guardFromClaimed() {
        guardMatrix(RequestStateKind.CLAIMED);
    }

    @Test
    @DisplayName("BS-6.3 persist onto a processing request applies every state (PersistGuard row processing)")
    void guardFromProcessing() {
        guardMatrix(RequestStateKind.PROCESSING);
    }

    @Test
    @DisplayName("BS-6.4 persist onto a completed request is always Dropped(completed): first terminal result wins")
    void guardFromCompleted() {
        guardMatrix(RequestStateKind.COMPLETED);
    }

    @Test
    @DisplayName("BS-6.5 persist onto a failed request applies only superseded; everything else is Dropped(failed)")
    void guardFromFailed() {
        guardMatrix(RequestStateKind.FAILED);
    }

    @Test
    @DisplayName("BS-6.6 persist onto a canceled request applies only a late completed or failed result; the rest is Dropped(canceled)")
    void guardFromCanceled() {
        guardMatrix(RequestStateKind.CANCELED);
    }

    @Test
    @DisplayName("BS-6.7 persist onto a superseded request is always Dropped(superseded)")
    void guardFromSuperseded() {
        guardMatrix(RequestStateKind.SUPERSEDED);
    }

    @Test
    @DisplayName("BS-6.8 persist of an unknown request is NotFound(REQUEST)")
    void persistUnknown() {
        Batch b = newBatch(1, M);
        BatchRequest real = originals(b.id()).getFirst();
        RequestData ghost = new RequestData(RequestId.generate(), b.id(), real.data().templateId(), 0, "ghost", UPSTREAM,
                "POST", PATH, "{}", M, "", "", b.expiresAt(), null, Map.of());

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class,
                () -> storage().persist(new BatchRequest(ghost, new RequestState.Canceled(now()))));
        assertThat(nf.entity()).isEqualTo(Entity.REQUEST);
        assertThat(nf.id()).isEqualTo(ghost.id().toString());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 1, 0, 0, 0, 0));
    }

    @Test
    @DisplayName("BS-6.9 rescheduleForRetry applies only while the request is processing under the given claim (fenced)")
    void rescheduleIsFenced() {
        Batch b = newBatch(4, M);
        DaemonId owner = liveDaemon();
        DaemonId intruder = liveDaemon();
        List<BatchRequest> claimed = claim(owner, M, 4);
        BatchRequest p0 = start(claimed.get(0));
        BatchRequest p1 = start(claimed.get(1));
        BatchRequest done = start(claimed.get(2));
        complete(done);
        BatchRequest onlyClaimed = claimed.get(3);
        RequestState.Pending next = new RequestState.Pending(1, now().plusSeconds(5));

        assertThat(storage().rescheduleForRetry(p1.id(), new ClaimToken(intruder, claimedAt(p1)), next)).isFalse();
        assertThat(stateOf(p1.id())).isEqualTo(p1.state());
        assertThat(reschedule(onlyClaimed, next)).isFalse();
        assertThat(stateOf(onlyClaimed.id())).isEqualTo(onlyClaimed.state());
        assertThat(reschedule(done, next)).isFalse();
        assertThat(kindOf(done.id())).isEqualTo(RequestStateKind.COMPLETED);

        assertThat(reschedule(p0, next)).isTrue();
        assertThat(stateOf(p0.id())).isEqualTo(next);
        assertThat(reschedule(p0, new RequestState.Pending(2, null))).isFalse();
        assertThat(stateOf(p0.id())).isEqualTo(next);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(4, 1, 2, 1, 0, 0));
    }

    @Test
    @DisplayName("BS-6.10 every FailureReason round-trips through persist, getRequests, the error file and the results view")
    void failureReasonsRoundTrip() {
        List<FailureReason> reasons = List.of(
                new FailureReason.RetriableHttpStatus(503, "{\"error\":\"überlastet\"}"),
                new FailureReason.NonRetriableHttpStatus(400, "{\"error\":{\"message\":\"bad \\\"input\\\"\"}}"),
                new FailureReason.NetworkError("connection reset by peer"),
                new FailureReason.Timeout("no response within 600s"),
                new FailureReason.TaskTerminated(),
                new FailureReason.RequestBuilderError("invalid header value: 'x\ny'"),
                new FailureReason.BatchExpired());
        Batch b = newBatch(reasons.size(), M);
        List<BatchRequest> running = processing(liveDaemon(), M, reasons.size());
        Instant t = now();
        for (int i = 0; i < reasons.size(); i++) {
            RequestState.Processing p = (RequestState.Processing) running.get(i).state();
            RequestState.Failed failed = new RequestState.Failed(reasons.get(i), t.plusSeconds(i), i, "routed-" + i);
            assertThat(storage().persist(running.get(i).withState(failed)).applied()).isTrue();
            assertThat(stateOf(running.get(i).id())).isEqualTo(failed);
            assertThat(p.retryAttempt()).isZero();
        }
        assertThat(content(b.errorFileId())).extracting(e -> ((FileContentItem.ErrorLine) e).reason())
                .containsExactlyElementsOf(reasons);
        assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::error).containsExactlyElementsOf(reasons);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(reasons.size(), 0, 0, 0, reasons.size(), 0));
    }

    @Test
    @DisplayName("BS-6.11 claimed, processing and completed states round-trip every field")
    void statesRoundTrip() {
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest claimed = claim(d, M, 1).getFirst();
        Instant claimedAt = ((RequestState.Claimed) claimed.state()).claimedAt();
        RequestState.Processing processingState = new RequestState.Processing(d, claimedAt, now().plusMillis(1500), 0);
        storage().persist(claimed.withState(processingState));
        assertThat(stateOf(claimed.id())).isEqualTo(processingState);

        RequestState.Completed completed = processingState.complete(207, "{\"multi\":[\"ä\",\"✓\",\"🚀\"],\"n\":1.50}",
                "routed-model-x", now().plusSeconds(7).plusNanos(123_000));
        PersistResult result = storage().persist(claimed.withState(completed));

        assertThat(result).isEqualTo(PersistResult.Applied.plain());
        RequestState stored = stateOf(claimed.id());
        assertThat(stored).isEqualTo(completed);
        RequestState.Completed c = (RequestState.Completed) stored;
        assertThat(c.claimedAt()).isEqualTo(claimedAt);
        assertThat(c.startedAt()).isEqualTo(processingState.startedAt());
        assertThat(c.routedModel()).isEqualTo("routed-model-x");
        assertThat(c.responseStatus()).isEqualTo(207);
    }

    @Test
    @DisplayName("BS-6.12 releasing a claimed or processing request makes it pending again with the same attempt, claimable again")
    void releaseReturnsToPending() {
        Batch b = newBatch(2, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 2);
        BatchRequest started = start(claimed.get(1));
        reschedule(started, new RequestState.Pending(3, null));
        BatchRequest again = claim(d, M, 1).getFirst();
        BatchRequest restarted = start(again);

        assertThat(storage().persist(claimed.get(0).withState(((RequestState.Claimed) claimed.get(0).state()).release()))
                .applied()).isTrue();
        assertThat(storage().persist(restarted.withState(((RequestState.Processing) restarted.state()).release()))
                .applied()).isTrue();

        assertThat(stateOf(claimed.get(0).id())).isEqualTo(new RequestState.Pending(0, null));
        assertThat(stateOf(restarted.id())).isEqualTo(new RequestState.Pending(3, null));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 2, 0, 0, 0, 0));
        assertThat(claim(d, M, 2)).hasSize(2);
    }

    // ---------------------------------------------------------------- 6b. fencing: every write of a claim holder

    /**
     * A zombie: {@code first} claimed (and maybe started) the request, fell silent past the stale
     * threshold, the sweep returned the request, and {@code heir} claimed it again. Returns the zombie's
     * handle (as it last wrote it) and the heir's.
     */
    private List<BatchRequest> zombieAndHeir(boolean zombieStarted, boolean heirStarted) {
        DaemonId first = liveDaemon();
        BatchRequest zombie = claim(first, M, 1).getFirst();
        if (zombieStarted) {
            zombie = start(zombie);
        }
        markDead(first);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(1);
        BatchRequest heir = claim(liveDaemon(), M, 1).getFirst();
        assertThat(heir.id()).isEqualTo(zombie.id());
        if (heirStarted) {
            heir = start(heir);
        }
        return List.of(zombie, heir);
    }

    @Test
    @DisplayName("BS-6.13 a zombie holder's start, result, failure, cancel and release onto a request another daemon now holds are Fenced and change nothing")
    void zombieWritesFenced() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = zombieAndHeir(true, true);
        BatchRequest zombie = pair.get(0);
        BatchRequest heir = pair.get(1);
        RequestState.Processing z = (RequestState.Processing) zombie.state();
        PersistResult fenced = new PersistResult.Fenced(RequestStateKind.PROCESSING);

        assertThat(complete(zombie)).isEqualTo(fenced);
        assertThat(fail(zombie)).isEqualTo(fenced);
        assertThat(cancelInFlight(zombie)).isEqualTo(fenced);
        assertThat(storage().persist(zombie.withState(z.release()), holder(zombie))).isEqualTo(fenced);
        assertThat(storage().persist(zombie.withState(new RequestState.Processing(z.daemonId(), z.claimedAt(), now(), 0)),
                holder(zombie))).isEqualTo(fenced);
        assertThat(reschedule(zombie, new RequestState.Pending(1, null))).isFalse();

        assertThat(stateOf(heir.id())).isEqualTo(heir.state());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 1, 0, 0, 0));
        assertThat(content(b.outputFileId())).isEmpty();
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(complete(heir)).isEqualTo(PersistResult.Applied.plain());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(heir.id());
    }

    @Test
    @DisplayName("BS-6.14 a holder's write onto a request returned to pending is Fenced(pending); a zombie's start onto a new claim is Fenced(claimed)")
    void lostClaimWritesFenced() {
        Batch b = newBatch(2, M);
        DaemonId first = liveDaemon();
        List<BatchRequest> claimed = claim(first, M, 2);
        BatchRequest started = start(claimed.get(0));
        BatchRequest onlyClaimed = claimed.get(1);
        markDead(first);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(2);
        RequestState.Claimed c = (RequestState.Claimed) onlyClaimed.state();

        assertThat(complete(started)).isEqualTo(new PersistResult.Fenced(RequestStateKind.PENDING));
        assertThat(storage().persist(onlyClaimed.withState(c.release()), holder(onlyClaimed)))
                .isEqualTo(new PersistResult.Fenced(RequestStateKind.PENDING));
        assertThat(originals(b.id())).allMatch(r -> r.state().equals(RequestState.Pending.fresh()));

        BatchRequest heirClaim = claim(liveDaemon(), M, 2).stream().filter(r -> r.id().equals(onlyClaimed.id()))
                .findFirst().orElseThrow();
        assertThat(storage().persist(onlyClaimed.withState(c.start(now())), holder(onlyClaimed)))
                .isEqualTo(new PersistResult.Fenced(RequestStateKind.CLAIMED));
        assertThat(stateOf(onlyClaimed.id())).isEqualTo(heirClaim.state());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 0, 2, 0, 0, 0));
    }

    @Test
    @DisplayName("BS-6.15 the same daemon's new claim is a different claim: writes under its earlier claim of the request are Fenced")
    void sameDaemonNewClaimFencesOld() {
        requires(Capability.CONTROLLABLE_CLOCK);
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest oldClaim = start(claim(d, M, 1).getFirst());
        clock.advance(Duration.ofSeconds(3));
        assertThat(reschedule(oldClaim, new RequestState.Pending(1, null))).isTrue();
        BatchRequest newClaim = claim(d, M, 1).getFirst();
        assertThat(claimedAt(newClaim)).isEqualTo(claimedAt(oldClaim).plusSeconds(3));

        assertThat(complete(oldClaim)).isEqualTo(new PersistResult.Fenced(RequestStateKind.CLAIMED));
        assertThat(reschedule(oldClaim, new RequestState.Pending(2, null))).isFalse();
        assertThat(stateOf(newClaim.id())).isEqualTo(newClaim.state());

        BatchRequest running = start(newClaim);
        assertThat(complete(oldClaim)).isEqualTo(new PersistResult.Fenced(RequestStateKind.PROCESSING));
        assertThat(complete(running)).isEqualTo(PersistResult.Applied.plain());
    }

    @Test
    @DisplayName("BS-6.16 a holder's late result still replaces canceled, and its writes onto a finished request are Dropped, not Fenced")
    void holderOntoTerminal() {
        Batch b = newBatch(3, M);
        List<BatchRequest> running = processing(liveDaemon(), M, 3);
        storage().cancelRequests(List.of(running.get(0).id(), running.get(1).id()));

        assertThat(complete(running.get(0))).isEqualTo(PersistResult.Applied.plain());
        assertThat(cancelInFlight(running.get(1))).isEqualTo(new PersistResult.Dropped(RequestStateKind.CANCELED));
        assertThat(complete(running.get(2))).isEqualTo(PersistResult.Applied.plain());
        assertThat(fail(running.get(2))).isEqualTo(new PersistResult.Dropped(RequestStateKind.COMPLETED));
        assertThat(reschedule(running.get(2), new RequestState.Pending(1, null))).isFalse();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 2, 0, 1));
    }

    // ================================================================ 7. per-id operations and retries

    @Test
    @DisplayName("BS-7.1 cancelRequests cancels each non-terminal request and answers per id: Done, NotApplicable(current) or NotFound")
    void cancelRequestsOutcomes() {
        Batch b = newBatch(6, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 4);
        BatchRequest processingOne = start(claimed.get(1));
        BatchRequest completedOne = start(claimed.get(2));
        complete(completedOne);
        BatchRequest failedOne = start(claimed.get(3));
        fail(failedOne);
        RequestId pendingOne = originals(b.id()).stream().filter(r -> r.state().kind() == RequestStateKind.PENDING)
                .findFirst().orElseThrow().id();
        RequestId unknown = RequestId.generate();

        List<RequestOutcome> outcomes = storage().cancelRequests(List.of(pendingOne, claimed.get(0).id(),
                processingOne.id(), completedOne.id(), unknown, failedOne.id()));

        assertThat(outcomes).containsExactly(
                new RequestOutcome.Done(pendingOne),
                new RequestOutcome.Done(claimed.get(0).id()),
                new RequestOutcome.Done(processingOne.id()),
                new RequestOutcome.NotApplicable(completedOne.id(), RequestStateKind.COMPLETED),
                new RequestOutcome.NotFound(unknown),
                new RequestOutcome.NotApplicable(failedOne.id(), RequestStateKind.FAILED));
        for (RequestId id : List.of(pendingOne, claimed.get(0).id(), processingOne.id())) {
            assertThat(stateOf(id)).isInstanceOf(RequestState.Canceled.class);
        }
        assertThat(kindOf(completedOne.id())).isEqualTo(RequestStateKind.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 1, 0, 1, 1, 3));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(storage().cancelRequests(List.of(pendingOne)))
                .containsExactly(new RequestOutcome.NotApplicable(pendingOne, RequestStateKind.CANCELED));
    }

    @Test
    @DisplayName("BS-7.2 retryFailedRequests moves failed originals to pending with attempt 0, answers per id, and reopens a completed batch")
    void retryFailedRequestsOutcomes() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 3);
        BatchRequest tried = start(claimed.get(0));
        reschedule(tried, new RequestState.Pending(2, null));
        BatchRequest retried = start(claim(d, M, 1).getFirst());
        fail(retried, new FailureReason.RetriableHttpStatus(503, "busy"), now());
        assertThat(stateOf(retried.id())).isInstanceOfSatisfying(RequestState.Failed.class,
                f -> assertThat(f.retryAttempt()).isEqualTo(2));
        complete(start(claimed.get(1)));
        BatchRequest pendingLater = claimed.get(2);
        storage().persist(pendingLater.withState(((RequestState.Claimed) pendingLater.state()).release()));
        RequestId unknown = RequestId.generate();

        List<RequestOutcome> outcomes = storage().retryFailedRequests(List.of(retried.id(), claimed.get(1).id(), unknown,
                pendingLater.id()));

        assertThat(outcomes).containsExactly(
                new RequestOutcome.Done(retried.id()),
                new RequestOutcome.NotApplicable(claimed.get(1).id(), RequestStateKind.COMPLETED),
                new RequestOutcome.NotFound(unknown),
                new RequestOutcome.NotApplicable(pendingLater.id(), RequestStateKind.PENDING));
        assertThat(stateOf(retried.id())).isEqualTo(RequestState.Pending.fresh());
        assertThat(content(b.errorFileId())).isEmpty();

        // now complete the other one, fail the retried one, retry it once the batch is completed
        List<BatchRequest> both = claim(d, M, 2);
        assertThat(ids(both)).containsExactlyInAnyOrder(pendingLater.id(), retried.id());
        for (BatchRequest r : both) {
            if (r.id().equals(pendingLater.id())) {
                complete(start(r));
            } else {
                fail(start(r));
            }
        }
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(storage().retryFailedRequests(List.of(retried.id()))).containsExactly(new RequestOutcome.Done(retried.id()));
        Batch reopened = batch(b.id());
        assertThat(reopened.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(reopened.completedAt()).isNull();
        assertThat(reopened.finalizingAt()).isNull();
        assertThat(reopened.counts()).isEqualTo(counts(3, 1, 0, 2, 0, 0));
        BatchRequest third = start(claim(d, M, 1).getFirst());
        assertThat(third.id()).isEqualTo(retried.id());
        assertThat(((RequestState.Processing) third.state()).retryAttempt()).isZero();
        complete(third);
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 3, 0, 0));
    }

    @Test
    @DisplayName("BS-7.3 retryFailedRequests is NotApplicable for failed requests of cancelled or failed batches and for escalated copies")
    void retryRefusedPerId() {
        DaemonId d = liveDaemon();
        Batch cancelled = newBatch(2, M);
        BatchRequest failedInCancelled = processing(d, M, 1).getFirst();
        fail(failedInCancelled);
        storage().cancelBatch(cancelled.id());
        Batch failedBatch = newBatch(2, M2);
        BatchRequest failedInFailed = processing(d, M2, 1).getFirst();
        fail(failedInFailed);
        storage().markBatchFailed(failedBatch.id(), "batch failed");
        newBatch(1, "model-c");
        assertThat(storage().createEscalatedRequests("model-c", Duration.ofHours(25), EnumSet.of(
                RequestStateKind.PENDING), FAST, null)).isEqualTo(1);
        BatchRequest copy = processing(d, FAST, 1).getFirst();
        assertThat(copy.data().isEscalated()).isTrue();
        fail(copy);

        assertThat(storage().retryFailedRequests(List.of(failedInCancelled.id(), failedInFailed.id(), copy.id())))
                .containsExactly(
                        new RequestOutcome.NotApplicable(failedInCancelled.id(), RequestStateKind.FAILED),
                        new RequestOutcome.NotApplicable(failedInFailed.id(), RequestStateKind.FAILED),
                        new RequestOutcome.NotApplicable(copy.id(), RequestStateKind.FAILED));
        assertThat(kindOf(failedInCancelled.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(batch(cancelled.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(batch(failedBatch.id()).status()).isEqualTo(OpenAiBatchStatus.FAILED);
    }

    @Test
    @DisplayName("BS-7.4 retryFailedRequestsForBatch retries every failed original and reopens a completed batch, which completes again")
    void retryForBatchReopens() {
        Batch b = newBatch(4, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> running = processing(d, M, 4);
        complete(running.get(0));
        complete(running.get(1));
        fail(running.get(2));
        fail(running.get(3));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);

        assertThat(storage().retryFailedRequestsForBatch(b.id())).isEqualTo(2);

        Batch reopened = batch(b.id());
        assertThat(reopened.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(reopened.completedAt()).isNull();
        assertThat(reopened.finalizingAt()).isNull();
        assertThat(reopened.counts()).isEqualTo(counts(4, 2, 0, 2, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(stateOf(running.get(2).id())).isEqualTo(RequestState.Pending.fresh());
        assertThat(storage().getFile(b.outputFileId()).sizeFinalized()).isFalse();

        completeAll(d, M, 2);
        Batch again = batch(b.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(again.counts()).isEqualTo(counts(4, 0, 0, 4, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactlyInAnyOrderElementsOf(ids(running));
    }

    @Test
    @DisplayName("BS-7.5 retryFailedRequestsForBatch of a cancelled, failed or deleted batch is refused and changes nothing")
    void retryForBatchRefused() {
        DaemonId d = liveDaemon();
        Batch cancelled = newBatch(2, M);
        BatchRequest f1 = processing(d, M, 1).getFirst();
        fail(f1);
        storage().cancelBatch(cancelled.id());
        Batch failed = newBatch(2, M2);
        BatchRequest f2 = processing(d, M2, 1).getFirst();
        fail(f2);
        storage().markBatchFailed(failed.id(), "batch failed");
        Batch deleted = newBatch(2, "model-c");
        BatchRequest f3 = processing(d, "model-c", 1).getFirst();
        fail(f3);
        storage().deleteBatch(deleted.id());

        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(cancelled.id()));
        thrown(BatchStorageException.InvalidState.class, () -> storage().retryFailedRequestsForBatch(failed.id()));
        // docs: refused for deleted batches; the port names InvalidState, while deleted batches are NotFound to reads
        assertThat(catchThrowable(() -> storage().retryFailedRequestsForBatch(deleted.id())))
                .isInstanceOfAny(BatchStorageException.InvalidState.class, BatchStorageException.NotFound.class);
        thrown(BatchStorageException.NotFound.class, () -> storage().retryFailedRequestsForBatch(BatchId.generate()));

        assertThat(kindOf(f1.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(kindOf(f2.id())).isEqualTo(RequestStateKind.FAILED);
        assertThat(batch(cancelled.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(batch(failed.id()).status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(claim(d, 10, Map.of(M, 10, M2, 10, "model-c", 10))).isEmpty();
    }

    @Test
    @DisplayName("BS-7.6 retryFailedRequestsForBatch without failed requests returns 0 and leaves a completed batch completed")
    void retryForBatchNothingToDo() {
        Batch b = newBatch(2, M);
        completeAll(liveDaemon(), M, 2);
        Batch before = batch(b.id());

        assertThat(storage().retryFailedRequestsForBatch(b.id())).isZero();

        assertThat(batch(b.id())).isEqualTo(before);
        assertThat(before.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
    }

    // ================================================================ 8. racing escalation

    @Test
    @DisplayName("BS-8.1 createEscalatedRequests creates one pending copy per at-risk request of the model in the given states, once")
    void escalationCreatesCopies() {
        Batch b = storage().createBatch(input(upload(6, M, M2)).withApiKey("batch-key"));
        DaemonId d = liveDaemon();
        BatchRequest claimedOriginal = claim(d, M, 1).getFirst();
        Duration threshold = Duration.ofHours(25);

        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING), FAST,
                "escalation-key")).isEqualTo(2);
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING,
                RequestStateKind.CLAIMED), FAST, "escalation-key")).isEqualTo(1);
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING,
                RequestStateKind.CLAIMED), FAST, "escalation-key")).isZero();

        List<BatchRequest> originals = originals(b.id());
        List<BatchRequest> copies = copies(b.id());
        assertThat(copies).hasSize(3);
        List<BatchRequest> escalatedOriginals = originals.stream().filter(r -> r.data().model().equals(M)).toList();
        assertThat(copies).extracting(r -> r.data().escalatedFrom()).containsExactlyElementsOf(ids(escalatedOriginals));
        assertThat(escalatedOriginals).extracting(BatchRequest::id).contains(claimedOriginal.id());
        for (int i = 0; i < copies.size(); i++) {
            RequestData copy = copies.get(i).data();
            RequestData original = escalatedOriginals.get(i).data();
            assertThat(copies.get(i).state()).isEqualTo(RequestState.Pending.fresh());
            assertThat(copy.id()).isNotEqualTo(original.id());
            assertThat(copy.batchId()).isEqualTo(b.id());
            assertThat(copy.templateId()).isEqualTo(original.templateId());
            assertThat(copy.lineNumber()).isEqualTo(original.lineNumber());
            assertThat(copy.customId()).isEqualTo(original.customId());
            assertThat(copy.body()).isEqualTo(original.body());
            assertThat(copy.model()).isEqualTo(FAST);
            assertThat(copy.apiKey()).isEqualTo("escalation-key");
            assertThat(copy.batchExpiresAt()).isEqualTo(b.expiresAt());
            assertThat(copy.isEscalated()).isTrue();
        }
        assertThat(requests(b.id())).hasSize(9);
        assertThat(requests(b.id())).extracting(r -> r.data().lineNumber()).isSorted();
    }

    @Test
    @DisplayName("BS-8.2 nothing is escalated outside the threshold, for other models or states, or in batches that are not running; no overrides keep model and key")
    void escalationSelectsCarefully() {
        Batch b = newBatch(4, M, M2);
        Batch cancelled = newBatch(2, "model-c");
        storage().cancelBatch(cancelled.id());
        Duration threshold = Duration.ofHours(25);

        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(1), EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PROCESSING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests("model-c", threshold, EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests("model-z", threshold, EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(copies(b.id())).isEmpty();

        assertThat(storage().createEscalatedRequests(M2, threshold, EnumSet.of(RequestStateKind.PENDING),
                null, null)).isEqualTo(2);
        assertThat(copies(b.id())).hasSize(2).allSatisfy(c -> {
            assertThat(c.data().model()).isEqualTo(M2);
            assertThat(c.data().apiKey()).isEqualTo("template-key-" + M2);
        });
    }

    @Test
    @DisplayName("BS-8.3 copies are invisible to counts, the error file and the results view; streamBatchRequests lists them on their original's line")
    void copiesInvisibleToCounts() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> copiesClaimed = claim(d, FAST, 3);
        assertThat(copiesClaimed).hasSize(3).allMatch(r -> r.data().isEscalated());

        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
        start(copiesClaimed.get(0));
        fail(start(copiesClaimed.get(1)));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(results(b.id(), 0, null, null)).hasSize(3).extracting(BatchResultItem::lineNumber)
                .containsExactly(0L, 1L, 2L);
        List<BatchRequest> all = requests(b.id());
        assertThat(all).hasSize(6);
        assertThat(all).extracting(r -> r.data().lineNumber()).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
        for (int line = 0; line < 3; line++) {
            List<BatchRequest> pair = all.subList(2 * line, 2 * line + 2);
            BatchRequest original = pair.stream().filter(r -> !r.data().isEscalated()).findFirst().orElseThrow();
            BatchRequest copy = pair.stream().filter(r -> r.data().isEscalated()).findFirst().orElseThrow();
            assertThat(copy.data().escalatedFrom()).isEqualTo(original.id());
        }
        assertThat(storage().getBatchStatus(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
    }

    /** One original of model M and its copy of model FAST, both processing (by different daemons). */
    private List<BatchRequest> racingPair(Batch b) {
        BatchRequest original = processing(liveDaemon(), M, 1).getFirst();
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(
                RequestStateKind.PROCESSING), FAST, null)).isEqualTo(1);
        BatchRequest copy = processing(liveDaemon(), FAST, 1).getFirst();
        assertThat(copy.data().escalatedFrom()).isEqualTo(original.id());
        assertThat(copy.data().batchId()).isEqualTo(b.id());
        return List.of(original, copy);
    }

    @Test
    @DisplayName("BS-8.4 when the copy completes first the original becomes superseded and persist names it; the results row shows the copy")
    void copyWins() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest original = pair.get(0);
        BatchRequest copy = pair.get(1);

        PersistResult result = complete(copy, "{\"winner\":\"copy\"}", now());

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(original.id())));
        assertThat(stateOf(original.id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(copy.id()));
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(copy.id());
        BatchResultItem row = results(b.id(), 0, null, null).getFirst();
        assertThat(row.requestId()).isEqualTo(copy.id());
        assertThat(row.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(row.responseBody()).isEqualTo("{\"winner\":\"copy\"}");
        assertThat(row.lineNumber()).isZero();
        assertThat(row.customId()).isEqualTo("req-00000");
    }

    @Test
    @DisplayName("BS-8.5 when the original completes first the copy becomes superseded and persist names it")
    void originalWins() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest original = pair.get(0);
        BatchRequest copy = pair.get(1);

        PersistResult result = complete(original, "{\"winner\":\"original\"}", now());

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(copy.id())));
        assertThat(stateOf(copy.id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(original.id()));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(original.id());
        assertThat(results(b.id(), 0, null, null).getFirst().requestId()).isEqualTo(original.id());
    }

    @Test
    @DisplayName("BS-8.6 the loser's late completion is Dropped(superseded): exactly one output line per template")
    void loserDropped() {
        Batch b = newBatch(3, M);
        BatchRequest o0 = processing(liveDaemon(), M, 1).getFirst();
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PROCESSING,
                RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> originalsRunning = new ArrayList<>(List.of(o0));
        originalsRunning.addAll(processing(liveDaemon(), M, 2));
        List<BatchRequest> copiesRunning = processing(liveDaemon(), FAST, 3);
        assertThat(copiesRunning).hasSize(3);

        complete(copiesRunning.get(0));
        complete(originalsRunning.get(1));
        complete(copiesRunning.get(2));
        for (BatchRequest loser : List.of(originalsRunning.get(0), copiesRunning.get(1), originalsRunning.get(2))) {
            assertThat(complete(loser)).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
            assertThat(fail(loser)).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        }

        List<FileContentItem> out = content(b.outputFileId());
        assertThat(customIds(out)).hasSize(3).doesNotHaveDuplicates();
        assertThat(lineRequestIds(out)).containsExactlyInAnyOrder(copiesRunning.get(0).id(), originalsRunning.get(1).id(),
                copiesRunning.get(2).id());
        assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::requestId).containsExactly(
                copiesRunning.get(0).id(), originalsRunning.get(1).id(), copiesRunning.get(2).id());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 3, 0, 0));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
    }

    @Test
    @DisplayName("BS-8.7 a failed original is superseded when its copy completes later; the batch waits for the live copy")
    void failedOriginalSuperseded() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        fail(pair.get(0));
        Batch waiting = batch(b.id());
        assertThat(waiting.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(waiting.completedAt()).isNull();

        PersistResult result = complete(pair.get(1));

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(pair.get(0).id())));
        assertThat(kindOf(pair.get(0).id())).isEqualTo(RequestStateKind.SUPERSEDED);
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(pair.get(1).id());
    }

    @Test
    @DisplayName("BS-8.8 when both of a pair fail the batch completes with the original's failure only in the error file")
    void bothFail() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        fail(pair.get(1));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        fail(pair.get(0));

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 0, 1, 0));
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(pair.get(0).id());
        assertThat(content(b.outputFileId())).isEmpty();
    }

    @Test
    @DisplayName("BS-8.9 findPendingEscalation finds an original's live copy, and nothing once the copy is terminal or for other ids")
    void findPendingEscalation() {
        Batch b = newBatch(2, M);
        List<BatchRequest> o = originals(b.id());
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> c = copies(b.id());
        assertThat(c).hasSize(2);

        assertThat(storage().findPendingEscalation(o.get(0).id())).contains(c.get(0).id());
        assertThat(storage().findPendingEscalation(o.get(1).id())).contains(c.get(1).id());
        BatchRequest claimedCopy = claim(liveDaemon(), FAST, 2).stream()
                .filter(r -> r.data().escalatedFrom().equals(o.get(0).id())).findFirst().orElseThrow();
        assertThat(storage().findPendingEscalation(o.get(0).id())).contains(c.get(0).id());
        complete(start(claimedCopy));

        assertThat(storage().findPendingEscalation(o.get(0).id())).isEmpty();
        assertThat(storage().findPendingEscalation(RequestId.generate())).isEmpty();
        Batch other = newBatch(1, M2);
        assertThat(storage().findPendingEscalation(originals(other.id()).getFirst().id())).isEmpty();
    }

    @Test
    @DisplayName("BS-8.10 getAtRiskBatches reports running batches whose deadline is within the threshold, with their request counts in the states")
    void atRiskBatches() {
        Batch soon = newBatch("2h", 3, M);
        Batch later = newBatch("10h", 2, M2);
        Batch cancelled = newBatch("1h", 2, "model-c");
        storage().cancelBatch(cancelled.id());
        Batch done = newBatch("1h", 1, "model-d");
        completeAll(liveDaemon(), "model-d", 1);
        claim(liveDaemon(), M, 1);
        Set<RequestStateKind> pending = EnumSet.of(RequestStateKind.PENDING);

        assertThat(storage().getAtRiskBatches(Duration.ofHours(3), pending)).isEqualTo(Map.of(soon.id(), 2L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(11), pending))
                .isEqualTo(Map.of(soon.id(), 2L, later.id(), 2L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(3),
                EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED))).isEqualTo(Map.of(soon.id(), 3L));
        assertThat(storage().getAtRiskBatches(Duration.ofMinutes(30), pending)).isEmpty();
        assertThat(storage().getAtRiskBatches(Duration.ofHours(11), pending)).doesNotContainKeys(cancelled.id(), done.id());
        assertThat(storage().getMissedSlaBatches(pending)).isEmpty();
    }

    @Test
    @DisplayName("BS-8.11 after the deadline passes a batch is reported by getMissedSlaBatches, no longer at risk, and gets no copies")
    void missedSlaBatches() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Batch missed = newBatch("1h", 3, M);
        Batch running = newBatch("10h", 2, M);
        claim(liveDaemon(), 1, Map.of(M, 1));
        clock.advance(Duration.ofHours(2));
        Set<RequestStateKind> states = EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED);

        assertThat(storage().getMissedSlaBatches(states)).isEqualTo(Map.of(missed.id(), 3L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(24), states)).isEqualTo(Map.of(running.id(), 2L));
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(24), states, FAST, null)).isEqualTo(2);
        assertThat(copies(missed.id())).isEmpty();
        assertThat(copies(running.id())).hasSize(2);

        storage().finalizeBatches(10);
        assertThat(storage().getMissedSlaBatches(states)).isEmpty();
    }

    @Test
    @DisplayName("BS-8.12 expiry cancels unfinished escalated copies and fails only the originals")
    void expiryCancelsCopies() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Batch b = newBatch("1h", 2, M);
        storage().createEscalatedRequests(M, Duration.ofHours(2), EnumSet.of(RequestStateKind.PENDING), FAST, null);
        BatchRequest runningCopy = processing(liveDaemon(), FAST, 1).getFirst();
        clock.advance(Duration.ofMinutes(61));

        assertThat(storage().finalizeBatches(10)).containsExactly(b.id());

        assertThat(copies(b.id())).allMatch(c -> c.state().kind() == RequestStateKind.CANCELED);
        assertThat(originals(b.id())).allSatisfy(o -> assertThat(o.state()).isInstanceOfSatisfying(RequestState.Failed.class,
                f -> assertThat(f.reason()).isEqualTo(new FailureReason.BatchExpired())));
        assertThat(content(b.errorFileId())).hasSize(2);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 0, 0, 0, 2, 0));
        assertThat(storage().findPendingEscalation(runningCopy.data().escalatedFrom())).isEmpty();
        assertThat(complete(runningCopy).applied()).as("a late result replaces canceled").isTrue();
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
    }

    @Test
    @DisplayName("BS-8.13 cancelRequests of an original cancels its live racing copy in the same step, and the batch completes")
    void cancelOriginalCancelsCopy() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        assertThat(storage().cancelRequests(List.of(pair.get(0).id()))).containsExactly(new RequestOutcome.Done(pair.get(0).id()));

        assertThat(kindOf(pair.get(0).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(storage().findPendingEscalation(pair.get(0).id())).isEmpty();
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 0, 0, 1));
    }

    @Test
    @DisplayName("BS-8.14 cancelRequests of a copy cancels only the copy; its original goes on")
    void cancelCopyLeavesOriginal() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        assertThat(storage().cancelRequests(List.of(pair.get(1).id()))).containsExactly(new RequestOutcome.Done(pair.get(1).id()));

        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(stateOf(pair.get(0).id())).isEqualTo(pair.get(0).state());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(complete(pair.get(0))).isEqualTo(new PersistResult.Applied(Optional.of(pair.get(1).id())));
        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
    }

    @Test
    @DisplayName("BS-8.15 a copy completing after its original was canceled supersedes the original: one output line, counted completed, no error line")
    void lateCopyResultSupersedesCanceledOriginal() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        storage().cancelRequests(List.of(pair.get(0).id()));

        assertThat(complete(pair.get(1), "{\"late\":\"copy\"}", now()))
                .isEqualTo(new PersistResult.Applied(Optional.of(pair.get(0).id())));

        assertThat(stateOf(pair.get(0).id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(pair.get(1).id()));
        assertThat(fail(pair.get(0))).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        assertThat(complete(pair.get(0))).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        Batch done = batch(b.id());
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(pair.get(1).id());
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(results(b.id(), 0, null, null)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(row.responseBody()).isEqualTo("{\"late\":\"copy\"}");
        });
    }

    @Test
    @DisplayName("BS-8.16 a late failure of a canceled original whose copy completed is Dropped: the template has its output line and no error line")
    void lateOriginalFailureAfterCopyWon() {
        Batch b = newBatch(2, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest other = processing(liveDaemon(), M, 1).getFirst();
        storage().cancelRequests(List.of(pair.get(0).id()));
        complete(pair.get(1));

        PersistResult late = fail(pair.get(0), new FailureReason.RetriableHttpStatus(500, "late"), now());

        assertThat(late).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        assertThat(complete(other).applied()).isTrue();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 0, 0, 2, 0, 0));
        assertThat(content(b.outputFileId())).hasSize(2);
        assertThat(content(b.errorFileId())).isEmpty();
    }

    // ================================================================ 9. queries

    private static final Comparator<Batch> NEWEST_FIRST = Comparator.comparing(Batch::createdAt)
            .thenComparing(Batch::id).reversed();

    private List<BatchId> newestFirst(List<Batch> batches) {
        return batches.stream().map(b -> batch(b.id())).sorted(NEWEST_FIRST).map(Batch::id).toList();
    }

    private List<BatchId> listed(ListBatchesFilter filter) {
        return storage().listBatches(filter).stream().map(Batch::id).toList();
    }

    @Test
    @DisplayName("BS-9.1 listBatches is newest first and filters by owner and API key ids (null any, empty none); deleted batches never appear")
    void listBatchesFilters() {
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
    @DisplayName("BS-9.2 listBatches search is a case-insensitive literal substring of the batch id, its metadata values or its input file's name")
    void listBatchesSearch() {
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
    @DisplayName("BS-9.3 listBatches status filter: in_progress (incl. validating), completed, failed, cancelled (incl. cancelling)")
    void listBatchesStatusFilter() {
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
    @DisplayName("BS-9.4 listBatches created range is inclusive at both ends; the expired filter finds expired batches")
    void listBatchesCreatedRangeAndExpired() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Instant t0 = now();
        Batch first = newBatch("1h", 1, M);
        clock.advance(Duration.ofMinutes(10));
        Instant t1 = now();
        Batch second = newBatch("24h", 1, M);
        clock.advance(Duration.ofMinutes(10));
        Instant t2 = now();
        Batch third = newBatch("24h", 1, M);

        assertThat(listed(ListBatchesFilter.all().createdBetween(t0, t1))).containsExactly(second.id(), first.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t1, t2))).containsExactly(third.id(), second.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t1.plusNanos(1000), null))).containsExactly(third.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(null, t0))).containsExactly(first.id());
        assertThat(listed(ListBatchesFilter.all().createdBetween(t2.plusSeconds(1), null))).isEmpty();

        clock.advance(Duration.ofHours(1));
        storage().finalizeBatches(10);
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.EXPIRED))).containsExactly(first.id());
        assertThat(listed(ListBatchesFilter.all().withStatus(BatchStatusFilter.IN_PROGRESS)))
                .containsExactly(third.id(), second.id());
    }

    @Test
    @DisplayName("BS-9.5 listBatches with activeFirst lists active batches before inactive ones, each newest first")
    void listBatchesActiveFirst() {
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
    @DisplayName("BS-9.6 listBatches keyset pages (after the last id of a page) have no gaps and no repeats, with or without activeFirst")
    void listBatchesPaging() {
        List<Batch> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            all.add(newBatch(1, "model-" + i));
            if (has(Capability.CONTROLLABLE_CLOCK) && i % 3 == 0) {
                clock.advance(Duration.ofSeconds(1));
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
    @DisplayName("BS-9.7 an unknown status filter value is Validation (BatchStatusFilter.parse); known values parse case-insensitively")
    void statusFilterParsing() {
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
    @DisplayName("BS-9.8 getBatchByOutputFileId finds a batch by its output or error file id, and nothing for other ids")
    void batchByOutputFile() {
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
    @DisplayName("BS-9.9 listFileBatches lists the batches created from a file, newest first, with the file's name and counts")
    void listFileBatches() {
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
            assertThat(s).isEqualTo(BatchStatus.of(batch(s.batchId()), "source.jsonl"));
        });
        assertThat(listed.stream().mapToLong(s -> s.counts().total()).sum()).isEqualTo(4);
        assertThat(storage().listFileBatches(FileId.generate())).isEmpty();
    }

    @Test
    @DisplayName("BS-9.10 getCancelledBatchIds returns exactly those of the given batches that are cancelling, cancelled or deleted")
    void cancelledBatchIds() {
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

        assertThat(storage().getCancelledBatchIds(List.of(running.id(), cancelling.id(), cancelled.id(), deleted.id(),
                completed.id(), failed.id(), BatchId.generate())))
                .containsExactlyInAnyOrder(cancelling.id(), cancelled.id(), deleted.id());
        assertThat(storage().getCancelledBatchIds(List.of())).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(running.id()))).isEmpty();
    }

    @Test
    @DisplayName("BS-9.11 pendingRequestCounts counts requests in the states of running batches per model and cumulative deadline bucket")
    void pendingCounts() {
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

    // ================================================================ 10. completion and maintenance

    @Test
    @DisplayName("BS-10.1 markBatchFailed fails a batch once (the first message stays); claims stop and it cannot be cancelled")
    void markBatchFailedIdempotent() {
        Batch b = newBatch(3, M);
        storage().markBatchFailed(b.id(), "first message");
        Batch failed = batch(b.id());
        if (has(Capability.CONTROLLABLE_CLOCK)) {
            clock.advance(Duration.ofMinutes(5));
        }

        storage().markBatchFailed(b.id(), "second message");

        Batch again = batch(b.id());
        assertThat(again.status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(again.errorMessage()).isEqualTo("first message");
        assertThat(again.failedAt()).isEqualTo(failed.failedAt()).isNotNull();
        assertThat(again.isTerminal()).isTrue();
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
        thrown(BatchStorageException.InvalidState.class, () -> storage().cancelBatch(b.id()));
        assertThat(storage().finalizeBatches(10)).doesNotContain(b.id());
        assertThat(batch(b.id())).isEqualTo(again);
    }

    @Test
    @DisplayName("BS-10.2 finalizeBatches returns only the batches it made terminal, honours its limit, and is idempotent")
    void finalizeReturnsNewlyTerminal() {
        requires(Capability.CONTROLLABLE_CLOCK);
        List<BatchId> short1 = List.of(newBatch("1h", 2, M).id(), newBatch("1h", 1, M).id(), newBatch("90m", 1, M).id());
        Batch alreadyDone = newBatch("1h", 1, M2);
        completeAll(liveDaemon(), M2, 1);
        Batch running = newBatch("24h", 1, M);
        clock.advance(Duration.ofHours(2));

        List<BatchId> first = storage().finalizeBatches(2);
        List<BatchId> second = storage().finalizeBatches(2);
        List<BatchId> third = storage().finalizeBatches(2);

        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(third).isEmpty();
        List<BatchId> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(short1);
        assertThat(short1).allSatisfy(id -> assertThat(batch(id).status()).isEqualTo(OpenAiBatchStatus.EXPIRED));
        assertThat(batch(alreadyDone.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(running.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(storage().finalizeBatches(100)).isEmpty();
    }

    @Test
    @DisplayName("BS-10.3 finalizeBatches cancels a cancelling batch once nothing is in flight (after stale claims were reclaimed)")
    void finalizeCancelsCancelling() {
        Batch b = newBatch(3, M);
        DaemonId doomed = liveDaemon();
        claim(doomed, M, 2);
        storage().cancelBatch(b.id());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        markDead(doomed);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).isEqualTo(2);
        boolean stillCancelling = batch(b.id()).status() == OpenAiBatchStatus.CANCELLING;

        List<BatchId> finalized = storage().finalizeBatches(10);

        if (stillCancelling) {
            assertThat(finalized).containsExactly(b.id());
        }
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(done.counts()).isEqualTo(counts(3, 0, 0, 0, 0, 3));
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(claim(liveDaemon(), M, 10)).isEmpty();
    }

    @Test
    @DisplayName("BS-10.4 pollCompletedBatches hands out each completed, failed or expired batch once, never cancelled ones, with models and input file")
    void pollCompletedOnce() {
        DaemonId d = liveDaemon();
        FileId file = upload("notify.jsonl", templates(2, M, M2));
        Batch completed = newBatch(input(file));
        completeAll(d, M, 1);
        completeAll(d, M2, 1);
        Batch failed = newBatch(1, "model-c");
        storage().markBatchFailed(failed.id(), "bad");
        Batch cancelled = newBatch(1, "model-d");
        storage().cancelBatch(cancelled.id());
        newBatch(1, "model-e");

        List<BatchNotification> first = storage().pollCompletedBatches(10);

        assertThat(first).extracting(n -> n.batch().id()).containsExactlyInAnyOrder(completed.id(), failed.id());
        BatchNotification note = first.stream().filter(n -> n.batch().id().equals(completed.id())).findFirst().orElseThrow();
        assertThat(note.batch()).isEqualTo(batch(completed.id()));
        assertThat(note.models()).containsExactlyInAnyOrder(M, M2);
        assertThat(note.inputFileName()).isEqualTo("notify.jsonl");
        assertThat(note.inputFileDescription()).isEqualTo("description of notify.jsonl");
        assertThat(storage().pollCompletedBatches(10)).isEmpty();

        Batch late = newBatch(1, "model-f");
        completeAll(d, "model-f", 1);
        assertThat(storage().pollCompletedBatches(10)).extracting(n -> n.batch().id()).containsExactly(late.id());
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }

    @Test
    @DisplayName("BS-10.5 pollCompletedBatches honours its limit and, with concurrent pollers, hands out every batch exactly once")
    void pollConcurrently() {
        int n = 24;
        List<BatchId> completed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            completed.add(newBatch(1, M).id());
        }
        completeAll(liveDaemon(), M, n);
        assertThat(storage().pollCompletedBatches(3)).hasSize(3).allSatisfy(note -> completed.remove(note.batch().id()));
        Map<BatchId, Integer> handedOut = new ConcurrentHashMap<>();

        Concurrently.run(6, worker -> {
            for (int call = 0; call <= n; call++) {
                List<BatchNotification> got = storage().pollCompletedBatches(2);
                assertThat(got.size()).isLessThanOrEqualTo(2);
                if (got.isEmpty()) {
                    return;
                }
                got.forEach(note -> handedOut.merge(note.batch().id(), 1, Integer::sum));
            }
            throw new AssertionError("pollCompletedBatches never ran dry: batches are handed out more than once");
        });

        assertThat(handedOut.keySet()).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(handedOut.values()).allMatch(times -> times == 1);
    }

    @Test
    @DisplayName("BS-10.6 pollCompletedBatches hands out an expired batch once")
    void pollExpired() {
        requires(Capability.CONTROLLABLE_CLOCK);
        Batch b = newBatch("1h", 2, M);
        clock.advance(Duration.ofHours(2));
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        storage().finalizeBatches(10);

        List<BatchNotification> notes = storage().pollCompletedBatches(10);

        assertThat(notes).singleElement().satisfies(n -> {
            assertThat(n.batch().id()).isEqualTo(b.id());
            assertThat(n.batch().status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
            assertThat(n.models()).containsExactly(M);
        });
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
    }

    @Test
    @DisplayName("BS-10.7 deleteBatch cancels a running batch and makes it invisible to reads, listings and claims")
    void deleteBatch() {
        FileId file = upload(4, M);
        Batch b = newBatch(input(file));
        DaemonId d = liveDaemon();
        claim(d, M, 1);
        Batch kept = newBatch(1, M2);

        storage().deleteBatch(b.id());

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class, () -> storage().getBatch(b.id()));
        assertThat(nf.entity()).isEqualTo(Entity.BATCH);
        thrown(BatchStorageException.NotFound.class, () -> storage().getBatchStatus(b.id()));
        thrown(BatchStorageException.NotFound.class, () -> requests(b.id()));
        thrown(BatchStorageException.NotFound.class, () -> results(b.id(), 0, null, null));
        assertThat(listed(ListBatchesFilter.all())).containsExactly(kept.id());
        assertThat(storage().listFileBatches(file)).isEmpty();
        assertThat(storage().getCancelledBatchIds(List.of(b.id(), kept.id()))).containsExactly(b.id());
        assertThat(claim(d, 10, Map.of(M, 10, M2, 10))).extracting(r -> r.data().batchId()).containsOnly(kept.id());
        assertThat(storage().getBatchByOutputFileId(b.outputFileId(), OutputFileType.OUTPUT)).isEmpty();
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        assertThat(storage().getFile(file).id()).isEqualTo(file);
    }

    @Test
    @DisplayName("BS-10.8 concurrent finalizer sweeps (several replicas) expire every batch exactly once")
    void concurrentFinalizers() {
        requires(Capability.CONTROLLABLE_CLOCK);
        List<BatchId> batches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batches.add(newBatch("1h", 3, M).id());
        }
        claim(liveDaemon(), M, 10);
        clock.advance(Duration.ofHours(2));
        Map<BatchId, Integer> finalized = new ConcurrentHashMap<>();

        Concurrently.run(4, worker -> {
            for (int round = 0; round < 10; round++) {
                storage().finalizeBatches(3).forEach(id -> finalized.merge(id, 1, Integer::sum));
            }
        });

        assertThat(finalized.keySet()).containsExactlyInAnyOrderElementsOf(batches);
        assertThat(finalized.values()).allMatch(times -> times == 1);
        assertThat(batches).allSatisfy(id -> {
            Batch b = batch(id);
            assertThat(b.status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
            assertThat(b.counts()).isEqualTo(counts(3, 0, 0, 0, 3, 0));
            assertThat(content(b.errorFileId())).hasSize(3);
        });
    }

    // ================================================================ 11. durability

    @Test
    @DisplayName("BS-11.1 files survive reopening: metadata, templates byte for byte, and deletions")
    void filesSurviveReopen() {
        requires(Capability.DURABLE);
        List<RequestTemplateInput> templates = templates(5, M, M2);
        FileId kept = uploadWith(new FileMetadata("durable.jsonl", "kept across restarts", "batch", null, 3600L, 1234L,
                "alice", "key-1"), templates);
        FileId deleted = upload(2, M);
        storage().deleteFile(deleted);
        BatchFile before = storage().getFile(kept);
        List<FileContentItem> contentBefore = content(kept);
        List<ModelTemplateStats> statsBefore = storage().getFileTemplateStats(kept);

        stores = reopen(stores);

        assertThat(storage().getFile(kept)).isEqualTo(before);
        assertThat(content(kept)).isEqualTo(contentBefore);
        assertThat(storage().getFileTemplateStats(kept)).isEqualTo(statsBefore);
        thrown(BatchStorageException.NotFound.class, () -> storage().getFile(deleted));
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactly(kept);
        FileId after = upload(1, M);
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactlyInAnyOrder(kept, after);
    }

    @Test
    @DisplayName("BS-11.2 batches survive reopening with their status, stamps, counts and result files")
    void batchesSurviveReopen() {
        requires(Capability.DURABLE);
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

        stores = reopen(stores);

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
    @DisplayName("BS-11.3 request states survive reopening: every kind, escalated pairs and retries; claims go on without double claims")
    void requestStatesSurviveReopen() {
        requires(Capability.DURABLE);
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

        stores = reopen(stores);

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
