package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
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
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-1.x}, files: upload, streams, expiry, deletion, listing and content search.
 *
 * <p>Section 1 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface FilesSection extends BatchFixture {

    @Test
    @Rule("BS-1.1")
    default void createFileKeepsTemplates() {
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
    @Rule("BS-1.2")
    default void streamMergesMetadata() {
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
    @Rule("BS-1.3")
    default void abortRollsBack() {
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
    @Rule("BS-1.4")
    default void producerExceptionPropagates() {
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
    @Rule("BS-1.5")
    default void uploadLifetime() {
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
    @Rule("BS-1.6")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void expiredFileStatusIsDerived() {
        FileId shortLived = uploadWith(new FileMetadata("short.jsonl", null, "batch", "created_at", 60L, null, null, null),
                templates(2, M));
        FileId longLived = upload(2, M);

        clock().advance(Duration.ofSeconds(61));

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
    @Rule("BS-1.22")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void aFileExpiresAtTheInstantItsLifetimeEnds() {
        FileId file = uploadWith(new FileMetadata("edge.jsonl", null, "batch", "created_at", 3600L, null, null, null),
                templates(1, M));

        clock().advance(Duration.ofSeconds(3599).plusNanos(999_999_000));
        assertThat(storage().getFile(file).status()).isEqualTo(FileStatus.PROCESSED);
        clock().advance(Duration.ofNanos(1_000));
        assertThat(storage().getFile(file).status()).isEqualTo(FileStatus.EXPIRED);
        assertThat(storage().listFiles(new FileFilter(null, FileStatus.EXPIRED, null, null, null, null, null, false)))
                .extracting(BatchFile::id).containsExactly(file);
        assertThat(storage().listFiles(new FileFilter(null, FileStatus.PROCESSED, null, null, null, null, null, false)))
                .isEmpty();
    }

    @Test
    @Rule("BS-1.7")
    default void deletedFileIsInvisible() {
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
    @Rule("BS-1.8")
    default void listFilesFilters() {
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
    @Rule("BS-1.9")
    default void listFilesSearchIsLiteral() {
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
    @Rule("BS-1.10")
    default void listFilesPaging() {
        List<FileId> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(upload("page-" + i + ".jsonl", templates(1, M)));
            if (has(Capability.CONTROLLABLE_CLOCK) && i % 2 == 0) {
                clock().advance(Duration.ofSeconds(1));
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
    @Rule("BS-1.11")
    default void inputContentOffsetAndSearch() {
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
    @Rule("BS-1.12")
    default void templateStats() {
        List<RequestTemplateInput> templates = templates(7, "zeta-model", "alpha-model", "mid-model");
        FileId id = upload("stats.jsonl", templates);

        List<ModelTemplateStats> stats = storage().getFileTemplateStats(id);

        // Lines 0..6 get the models round robin: zeta-model on 0, 3, 6; alpha-model on 1, 4; mid-model on 2, 5.
        // A body is {"model":"<model>","messages":[{"role":"user","content":"Grüße ✓ <custom id>"}]}: 54 ASCII
        // bytes of frame ({"model":" 10, ","messages":[{"role":"user","content":" 40, "}]} 4), "Grüße ✓ " in 12
        // UTF-8 bytes (G, r, e and two spaces 1 each, ü and ß 2 each, ✓ 3), the model and the 9-character custom
        // id (req-0000n): 66 + len(model) + 9 bytes.
        // zeta-model (10): 85 bytes x 3 = 255; alpha-model (11): 86 x 2 = 172; mid-model (9): 84 x 2 = 168.
        assertThat(stats).containsExactly(
                new ModelTemplateStats("alpha-model", 2, 172),
                new ModelTemplateStats("mid-model", 2, 168),
                new ModelTemplateStats("zeta-model", 3, 255));
    }

    @Test
    @Rule("BS-1.13")
    default void deleteFileCascades() {
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
    @Rule("BS-1.14")
    default void deleteVirtualFileUnlinks() {
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
    @Rule("BS-1.15")
    default void largeStream() {
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
    @Rule("BS-1.16")
    default void unknownPurposeKeptRaw() {
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
    @Rule("BS-1.17")
    default void searchFoldsAsciiOnly() {
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

    @Test
    @Rule("BS-1.18")
    default void streamWithoutNameOrPurpose() {
        FileStreamResult described = storage().createFileStream(List.<FileStreamItem>of(
                new FileStreamItem.Metadata(new FileMetadata(null, "no name given", null, null, null, null, "alice", null)),
                new FileStreamItem.Template(template("a", M))).iterator());
        FileStreamResult bare = storage().createFileStream(List.<FileStreamItem>of(
                new FileStreamItem.Template(template("b", M))).iterator());

        FileId describedId = ((FileStreamResult.Success) described).fileId();
        FileId bareId = ((FileStreamResult.Success) bare).fileId();
        for (FileId id : List.of(describedId, bareId)) {
            BatchFile file = storage().getFile(id);
            assertThat(file.name()).isEqualTo("upload-" + id);
            assertThat(file.purpose()).isEqualTo(Purpose.BATCH);
        }
        assertThat(storage().getFile(describedId).description()).isEqualTo("no name given");
        assertThat(storage().listFiles(FileFilter.all().withPurpose(Purpose.BATCH))).extracting(BatchFile::id)
                .containsExactlyInAnyOrder(describedId, bareId);
        assertThat(storage().createBatch(input(bareId)).counts()).isEqualTo(counts(1, 1, 0, 0, 0, 0));
    }

    @Test
    @Rule("BS-1.19")
    default void listFilesAfterUnknownOrDeletedCursor() {
        FileId first = upload("first.jsonl", templates(1, M));
        FileId second = upload("second.jsonl", templates(1, M));
        FileId third = upload("third.jsonl", templates(1, M));
        List<FileId> ascending = storage().listFiles(FileFilter.all().inAscendingOrder(true)).stream().map(BatchFile::id)
                .toList();
        assertThat(ascending).containsExactlyInAnyOrder(first, second, third);
        FileId unknown = FileId.generate();

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class,
                () -> storage().listFiles(FileFilter.all().page(unknown, 10)));
        assertThat(nf.entity()).isEqualTo(Entity.FILE);
        assertThat(nf.id()).isEqualTo(unknown.toString());
        thrown(BatchStorageException.NotFound.class,
                () -> storage().listFiles(FileFilter.all().inAscendingOrder(true).page(unknown, 10)));

        FileId middle = ascending.get(1);
        storage().deleteFile(middle);
        assertThat(storage().listFiles(FileFilter.all().inAscendingOrder(true).page(middle, 10))).extracting(BatchFile::id)
                .containsExactly(ascending.get(2));
        assertThat(storage().listFiles(FileFilter.all().page(middle, 10))).extracting(BatchFile::id)
                .containsExactly(ascending.get(0));
    }

    @Test
    @Rule("BS-1.20")
    default void batchesOutliveTheirInputFile() {
        FileId file = upload("doomed-input.jsonl", templates(2, M));
        Batch b = storage().createBatch(input(file));
        completeAll(liveDaemon(), M, 2);

        Batch before = batch(b.id());

        storage().deleteFile(file);

        Batch after = batch(b.id());
        assertThat(after.cancellingAt()).as("a finished batch is not cancelled").isNull();
        assertThat(after.completedAt()).isEqualTo(before.completedAt());
        assertThat(after.counts()).isEqualTo(counts(2, 0, 0, 2, 0, 0));
        assertThat(storage().getCancelledBatchIds(List.of(b.id()))).isEmpty();
        BatchStatus status = storage().getBatchStatus(b.id());
        assertThat(status.fileId()).isNull();
        assertThat(status.fileName()).isNull();
        assertThat(status.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(b.id()).fileId()).isNull();
        assertThat(storage().listBatches(ListBatchesFilter.all().withSearch("doomed-input"))).isEmpty();
        assertThat(storage().listBatches(ListBatchesFilter.all())).extracting(Batch::id).containsExactly(b.id());
        List<BatchNotification> notes = storage().pollCompletedBatches(10);
        assertThat(notes).singleElement().satisfies(n -> {
            assertThat(n.batch().id()).isEqualTo(b.id());
            assertThat(n.batch().fileId()).isNull();
            assertThat(n.inputFileName()).isNull();
            assertThat(n.inputFileDescription()).isNull();
            assertThat(n.models()).containsExactly(M);
        });
        assertThat(customIds(content(b.outputFileId()))).containsExactlyInAnyOrder("req-00000", "req-00001");
    }

    @Test
    @Rule("BS-1.21")
    default void lifetimeMustBePositive() {
        for (long seconds : new long[] {0, -1, -3600, Long.MIN_VALUE}) {
            thrown(BatchStorageException.Validation.class, () -> storage().createFileStream(List.<FileStreamItem>of(
                    new FileStreamItem.Metadata(new FileMetadata("bad.jsonl", null, "batch", "created_at", seconds, null,
                            null, null)),
                    new FileStreamItem.Template(template("a", M))).iterator()));
        }
        assertThat(storage().listFiles(FileFilter.all())).isEmpty();

        FileId second = uploadWith(new FileMetadata("one-second.jsonl", null, "batch", "created_at", 1L, null, null, null),
                templates(1, M));
        BatchFile file = storage().getFile(second);
        assertThat(file.expiresAt()).isEqualTo(file.createdAt().plusSeconds(1));
        assertThat(storage().listFiles(FileFilter.all())).extracting(BatchFile::id).containsExactly(second);
    }
}
