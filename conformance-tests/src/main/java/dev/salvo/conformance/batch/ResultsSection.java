package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.batch.VirtualFileSize;
import dev.salvo.core.daemon.DaemonId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-4.x}, results: the output and error files and the results view.
 *
 * <p>Section 4 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface ResultsSection extends BatchFixture {

    @Test
    @Rule("BS-4.1")
    default void outputFileOrderAndAppend() {
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
    @Rule("BS-4.2")
    default void errorFileOrderAndAppend() {
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
    @Rule("BS-4.3")
    default void resultFileSearch() {
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
    @Rule("BS-4.4")
    default void virtualFileSize() {
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
    @Rule("BS-4.5")
    default void batchResultsView() {
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
    @Rule("BS-4.6")
    default void requestReads() {
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
    @Rule("BS-4.7")
    default void batchResultsViewOfACancelledBatch() {
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
}
