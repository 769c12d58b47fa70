package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small rules on the batch port's value types: wire names, parsing, normalisation, copies. */
class BatchValuesTest {

    private static final FileId FILE = FileId.parse("00000000-0000-7000-8000-00000000f001");
    private static final BatchId BATCH = BatchId.parse("00000000-0000-7000-8000-00000000b001");
    private static final RequestId REQUEST = RequestId.parse("00000000-0000-7000-8000-00000000a001");
    private static final TemplateId TEMPLATE = TemplateId.parse("00000000-0000-7000-8000-00000000c001");
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void purposeWireNamesAndLenientParsing() {
        assertThat(Purpose.BATCH.wire()).isEqualTo("batch");
        assertThat(Purpose.BATCH_OUTPUT.wire()).isEqualTo("batch_output");
        assertThat(Purpose.BATCH_ERROR.wire()).isEqualTo("batch_error");
        assertThat(Purpose.parse("batch")).contains(Purpose.BATCH);
        assertThat(Purpose.parse(" Batch_Output ")).contains(Purpose.BATCH_OUTPUT);
        assertThat(Purpose.parse("BATCH_ERROR")).contains(Purpose.BATCH_ERROR);
        assertThat(Purpose.parse("fine-tune")).isEmpty();
        assertThat(Purpose.parse("")).isEmpty();
        assertThat(Purpose.parse(null)).isEmpty();
    }

    @Test
    void resultStatusWireNamesAndStrictParsing() {
        assertThat(ResultStatus.IN_PROGRESS.wire()).isEqualTo("in_progress");
        assertThat(ResultStatus.parse("pending")).isEqualTo(ResultStatus.PENDING);
        assertThat(ResultStatus.parse("in_progress")).isEqualTo(ResultStatus.IN_PROGRESS);
        assertThat(ResultStatus.parse("completed")).isEqualTo(ResultStatus.COMPLETED);
        assertThat(ResultStatus.parse("failed")).isEqualTo(ResultStatus.FAILED);
        assertThat(ResultStatus.parse("canceled")).isEqualTo(ResultStatus.CANCELED);
        for (String bad : new String[] {"Completed", " failed", "cancelled", null}) {
            assertThatThrownBy(() -> ResultStatus.parse(bad))
                    .isInstanceOf(BatchStorageException.Validation.class)
                    .hasMessage("Unknown result status '" + bad
                            + "': use pending, in_progress, completed, failed or canceled");
        }
    }

    @Test
    void fileStatusWireNames() {
        assertThat(FileStatus.PROCESSED.wire()).isEqualTo("processed");
        assertThat(FileStatus.ERROR.wire()).isEqualTo("error");
        assertThat(FileStatus.DELETED.wire()).isEqualTo("deleted");
        assertThat(FileStatus.EXPIRED.wire()).isEqualTo("expired");
    }

    @Test
    void notFoundNamesTheEntityAndTheId() {
        var e = new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, FILE);
        assertThat(e).hasMessage("File not found: 00000000-0000-7000-8000-00000000f001");
        assertThat(e.entity()).isEqualTo(BatchStorageException.Entity.FILE);
        assertThat(e.id()).isEqualTo("00000000-0000-7000-8000-00000000f001");
        assertThat(new BatchStorageException.NotFound(BatchStorageException.Entity.DAEMON, null))
                .hasMessage("Daemon not found: null");
        assertThat(new BatchStorageException.NotFound(BatchStorageException.Entity.DAEMON, null).id()).isEqualTo("null");
        assertThat(new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, 7)).hasMessage("Request not found: 7");
        RuntimeException cause = new RuntimeException("disk");
        assertThat(new BatchStorageException.Backend("write failed", cause)).hasMessage("write failed").hasCause(cause);
        assertThat(new BatchStorageException.Conflict("raced")).hasMessage("raced");
        assertThat(new BatchStorageException.InvalidState("done")).hasMessage("done");
    }

    @Test
    void batchInputNormalisesOwnerMetadataAndBlankKeys() {
        BatchInput in = BatchInput.of(FILE, "/v1/chat/completions", "24h");
        assertThat(in).isEqualTo(new BatchInput(FILE, "/v1/chat/completions", "24h", Map.of(), "", null, null, null));
        assertThat(new BatchInput(FILE, "/e", "1h", null, null, null, "  ", null).createdBy()).isEmpty();
        assertThat(new BatchInput(FILE, "/e", "1h", null, null, null, "  ", null).metadata()).isEmpty();
        assertThat(new BatchInput(FILE, "/e", "1h", null, null, null, "  ", null).apiKey()).isNull();
        assertThat(new BatchInput(FILE, "/e", "1h", null, null, null, "", null).apiKey()).isNull();
        assertThat(new BatchInput(FILE, "/e", "1h", null, null, null, " sk ", null).apiKey()).isEqualTo(" sk ");
        assertThat(in.withCreatedBy("alice").createdBy()).isEqualTo("alice");
        assertThat(in.withMetadata(Map.of("a", "b")).metadata()).isEqualTo(Map.of("a", "b"));
        assertThat(in.withApiKey("sk-1").apiKey()).isEqualTo("sk-1");
        BatchInput full = new BatchInput(FILE, "/e", "1h", Map.of("x", "y"), "bob", "key-1", "sk-2", 9L);
        assertThat(full.withCreatedBy("carol")).isEqualTo(new BatchInput(FILE, "/e", "1h", Map.of("x", "y"), "carol", "key-1", "sk-2", 9L));
        assertThat(full.withMetadata(null)).isEqualTo(new BatchInput(FILE, "/e", "1h", Map.of(), "bob", "key-1", "sk-2", 9L));
        assertThat(full.withApiKey(null)).isEqualTo(new BatchInput(FILE, "/e", "1h", Map.of("x", "y"), "bob", "key-1", null, 9L));
        Map<String, String> mutable = new HashMap<>(Map.of("a", "1"));
        BatchInput copied = in.withMetadata(mutable);
        mutable.put("b", "2");
        assertThat(copied.metadata()).isEqualTo(Map.of("a", "1"));
        assertThatThrownBy(() -> BatchInput.of(null, "/e", "1h")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BatchInput.of(FILE, null, "1h")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fileMetadataMergesFieldByFieldLastWriterWins() {
        FileMetadata first = new FileMetadata("a.jsonl", "first", "batch", "created_at", 60L, 10L, "alice", "k1");
        assertThat(first.mergedWith(FileMetadata.empty())).isEqualTo(first);
        assertThat(FileMetadata.empty().mergedWith(first)).isEqualTo(first);
        FileMetadata later = new FileMetadata("b.jsonl", "second", "batch_output", "now", 120L, 20L, "bob", "k2");
        assertThat(first.mergedWith(later)).isEqualTo(later);
        assertThat(first.mergedWith(FileMetadata.named("c.jsonl")))
                .isEqualTo(new FileMetadata("c.jsonl", "first", "batch", "created_at", 60L, 10L, "alice", "k1"));
        assertThat(first.mergedWith(new FileMetadata(null, null, null, null, null, 99L, null, null)))
                .isEqualTo(new FileMetadata("a.jsonl", "first", "batch", "created_at", 60L, 99L, "alice", "k1"));
        assertThat(FileMetadata.named("x")).isEqualTo(new FileMetadata("x", null, null, null, null, null, null, null));
        assertThat(FileMetadata.empty()).isEqualTo(new FileMetadata(null, null, null, null, null, null, null, null));
    }

    @Test
    void fileFilterCopies() {
        FileFilter all = FileFilter.all();
        assertThat(all).isEqualTo(new FileFilter(null, null, null, null, null, null, null, false));
        FileFilter f = all.withUploadedBy("alice").withPurpose(Purpose.BATCH).withSearch("q").page(FILE, 5)
                .inAscendingOrder(true).withApiKeyIds(List.of("k"));
        assertThat(f).isEqualTo(new FileFilter("alice", null, Purpose.BATCH, "q", FILE, 5, List.of("k"), true));
        FileFilter full = new FileFilter("u", FileStatus.PROCESSED, Purpose.BATCH, "s", FILE, 3, List.of("k"), true);
        assertThat(full.withUploadedBy("v")).isEqualTo(new FileFilter("v", FileStatus.PROCESSED, Purpose.BATCH, "s", FILE, 3, List.of("k"), true));
        assertThat(full.withPurpose(null)).isEqualTo(new FileFilter("u", FileStatus.PROCESSED, null, "s", FILE, 3, List.of("k"), true));
        assertThat(full.withSearch(null)).isEqualTo(new FileFilter("u", FileStatus.PROCESSED, Purpose.BATCH, null, FILE, 3, List.of("k"), true));
        assertThat(full.page(null, null)).isEqualTo(new FileFilter("u", FileStatus.PROCESSED, Purpose.BATCH, "s", null, null, List.of("k"), true));
        assertThat(full.inAscendingOrder(false)).isEqualTo(new FileFilter("u", FileStatus.PROCESSED, Purpose.BATCH, "s", FILE, 3, List.of("k"), false));
        assertThat(full.withApiKeyIds(null)).isEqualTo(new FileFilter("u", FileStatus.PROCESSED, Purpose.BATCH, "s", FILE, 3, null, true));
    }

    @Test
    void listBatchesFilterCopiesAndNeedsAPositiveLimit() {
        ListBatchesFilter all = ListBatchesFilter.all();
        assertThat(ListBatchesFilter.DEFAULT_LIMIT).isEqualTo(100);
        assertThat(all).isEqualTo(new ListBatchesFilter(null, null, null, 100, null, null, null, null, false));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2026-02-01T00:00:00Z");
        ListBatchesFilter f = all.withCreatedBy("alice").withSearch("q").page(BATCH, 1).withStatus(BatchStatusFilter.FAILED)
                .createdBetween(from, to).withActiveFirst(true).withApiKeyIds(List.of("k"));
        assertThat(f).isEqualTo(new ListBatchesFilter("alice", "q", BATCH, 1, List.of("k"), BatchStatusFilter.FAILED, from,
                to, true));
        ListBatchesFilter full = new ListBatchesFilter("u", "s", BATCH, 7, List.of("k"), BatchStatusFilter.EXPIRED, from, to, true);
        assertThat(full.withCreatedBy(null)).isEqualTo(new ListBatchesFilter(null, "s", BATCH, 7, List.of("k"), BatchStatusFilter.EXPIRED, from, to, true));
        assertThat(full.withSearch(null)).isEqualTo(new ListBatchesFilter("u", null, BATCH, 7, List.of("k"), BatchStatusFilter.EXPIRED, from, to, true));
        assertThat(full.page(null, 2)).isEqualTo(new ListBatchesFilter("u", "s", null, 2, List.of("k"), BatchStatusFilter.EXPIRED, from, to, true));
        assertThat(full.withStatus(null)).isEqualTo(new ListBatchesFilter("u", "s", BATCH, 7, List.of("k"), null, from, to, true));
        assertThat(full.createdBetween(null, null)).isEqualTo(new ListBatchesFilter("u", "s", BATCH, 7, List.of("k"), BatchStatusFilter.EXPIRED, null, null, true));
        assertThat(full.withActiveFirst(false)).isEqualTo(new ListBatchesFilter("u", "s", BATCH, 7, List.of("k"), BatchStatusFilter.EXPIRED, from, to, false));
        assertThat(full.withApiKeyIds(null)).isEqualTo(new ListBatchesFilter("u", "s", BATCH, 7, null, BatchStatusFilter.EXPIRED, from, to, true));
        assertThatThrownBy(() -> all.page(null, 0))
                .isInstanceOf(BatchStorageException.Validation.class).hasMessage("limit must be at least 1");
    }

    @Test
    void templatesKeepTheirBodyAndCountItsUtf8Bytes() {
        RequestTemplateInput in = new RequestTemplateInput("c1", "http://up", "POST", "/v1/chat/completions",
                "{\"q\":\"h\u00e9\u20ac\"}", "m", null);
        assertThat(in.apiKey()).isEmpty();
        // 9 ASCII bytes + é (2) + € (3)
        assertThat(in.bodyByteSize()).isEqualTo(14);
        assertThat(new RequestTemplateInput(null, "e", "GET", "/", "", "m", "k").bodyByteSize()).isZero();
        assertThat(new RequestTemplateInput(null, "e", "GET", "/", "", "m", "k").apiKey()).isEqualTo("k");
        assertThat(new RequestTemplate(TEMPLATE, FILE, 0, in, T).lineNumber()).isZero();
        assertThatThrownBy(() -> new RequestTemplate(TEMPLATE, FILE, -1, in, T))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lineNumber must not be negative");
    }

    @Test
    void requestDataNormalisesAndReroutes() {
        RequestData d = new RequestData(REQUEST, BATCH, TEMPLATE, 3, "c", "http://up", "POST", "/p", "{\"model\":\"a\"}",
                "a", "sk", null, T, null, null);
        assertThat(d.createdBy()).isEmpty();
        assertThat(d.batchMetadata()).isEmpty();
        assertThat(d.isEscalated()).isFalse();
        RequestData routed = d.routedTo("b", "{\"model\":\"b\"}");
        assertThat(routed).isEqualTo(new RequestData(REQUEST, BATCH, TEMPLATE, 3, "c", "http://up", "POST", "/p",
                "{\"model\":\"b\"}", "b", "sk", "", T, null, Map.of()));
        RequestData escalated = new RequestData(RequestId.generate(), BATCH, TEMPLATE, 3, "c", "http://up", "POST", "/p",
                "{}", "b", "sk", "alice", T, REQUEST, Map.of("k", "v"));
        assertThat(escalated.isEscalated()).isTrue();
        assertThat(escalated.createdBy()).isEqualTo("alice");
        assertThat(escalated.routedTo("c", "{}").escalatedFrom()).isEqualTo(REQUEST);
        assertThat(escalated.routedTo("c", "{}").batchMetadata()).isEqualTo(Map.of("k", "v"));

        BatchRequest request = new BatchRequest(d, RequestState.Pending.fresh());
        assertThat(request.id()).isEqualTo(REQUEST);
        RequestState canceled = new RequestState.Canceled(T);
        assertThat(request.withState(canceled)).isEqualTo(new BatchRequest(d, canceled));
        assertThat(new RequestLookup.Found(request).requestId()).isEqualTo(REQUEST);
        assertThat(new RequestLookup.Missing(REQUEST).requestId()).isEqualTo(REQUEST);
    }

    @Test
    void virtualFilesAreTheOutputAndErrorFiles() {
        assertThat(file(Purpose.BATCH).isVirtual()).isFalse();
        assertThat(file(Purpose.BATCH_OUTPUT).isVirtual()).isTrue();
        assertThat(file(Purpose.BATCH_ERROR).isVirtual()).isTrue();
        assertThat(file(null).isVirtual()).isFalse();
        assertThat(file(null).purposeValue()).isEqualTo(Optional.empty());
        assertThat(file(Purpose.BATCH_ERROR).purposeValue()).contains(Purpose.BATCH_ERROR);
    }

    private static BatchFile file(Purpose purpose) {
        return new BatchFile(FILE, "f.jsonl", null, 10, FileStatus.PROCESSED, null, purpose, "raw", T, null, null, null,
                null, false);
    }

    @Test
    void notificationsCopyTheirModelList() {
        List<String> models = new ArrayList<>(List.of("a"));
        BatchNotification n = new BatchNotification(BatchTest.batch("inProgress", "completed"), models, "in.jsonl", null);
        models.add("b");
        assertThat(n.models()).containsExactly("a");
        assertThat(new PendingCountWindow("1h", Duration.ofHours(1)).within()).isEqualTo(Duration.ofHours(1));
    }
}
