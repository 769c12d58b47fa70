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
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
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
        // {"text":"Grüße ✓ 🚀"}: ASCII {"text":" (9), G r e (3), two spaces (2) and "} (2) = 16 bytes; ü 2, ß 2,
        // ✓ (U+2713) 3 and 🚀 (U+1F680, a surrogate pair in Java) 4 = 11 bytes; 27 bytes in all.
        String body0 = "{\"text\":\"Grüße ✓ 🚀\"}";
        // {"edge":"…"} around the last code points of each UTF-8 length: U+007F 1 byte, U+0080 2, U+07FF 2,
        // U+0800 3, U+FFFD 3: 9 + 11 + 2 = 22 bytes.
        String body1 = "{\"edge\":\"\u007f\u0080\u07ff\u0800\ufffd\"}";
        complete(r.get(0), body0, now());
        complete(r.get(1), body1, now());

        // Two output lines: 27 + 22 = 49 result bytes, plus the 181-byte envelope per line: 49 + 2 x 181 = 411.
        BatchFile out = storage().getFile(b.outputFileId());
        assertThat(out.sizeBytes()).isEqualTo(411L);
        assertThat(out.sizeFinalized()).isFalse();
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isZero();

        fail(r.get(2), new FailureReason.NetworkError("connection reset — zurückgesetzt"), now());
        BatchFile outDone = storage().getFile(b.outputFileId());
        BatchFile errDone = storage().getFile(b.errorFileId());
        assertThat(outDone.sizeBytes()).isEqualTo(411L);
        assertThat(outDone.sizeFinalized()).isTrue();
        // The error line counts the failure's message, "Network error: connection reset — zurückgesetzt": 47
        // characters, of which — (U+2014) takes 3 bytes and ü 2, so 50 bytes; plus the 160-byte envelope: 210.
        assertThat(errDone.sizeBytes()).isEqualTo(210L);
        assertThat(errDone.sizeFinalized()).isTrue();
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

    @Test
    @Rule("BS-4.8")
    default void negativeOffsetIsValidation() {
        Batch b = newBatch(2, M);
        List<BatchRequest> r = processing(liveDaemon(), M, 2);
        complete(r.get(0));
        fail(r.get(1));

        for (FileId file : List.of(b.fileId(), b.outputFileId(), b.errorFileId())) {
            thrown(BatchStorageException.Validation.class, () -> content(file, -1, null));
            thrown(BatchStorageException.Validation.class, () -> content(file, Long.MIN_VALUE, "req"));
            assertThat(content(file, 0, null)).hasSize(file.equals(b.fileId()) ? 2 : 1);
        }
        thrown(BatchStorageException.Validation.class, () -> results(b.id(), -1, null, null));
        thrown(BatchStorageException.Validation.class, () -> results(b.id(), -5, null, ResultStatus.FAILED));
        assertThat(results(b.id(), 0, null, null)).hasSize(2);
    }

    @Test
    @Rule("BS-4.9")
    default void errorFileFollowsFailedOriginals() {
        Batch b = newBatch(3, M);
        List<BatchRequest> r = processing(liveDaemon(), M, 2);
        // "Upstream answered HTTP 400" and "Upstream answered HTTP 503 (retriable)": 26 and 38 bytes of message.
        fail(r.get(0), new FailureReason.NonRetriableHttpStatus(400, "{\"error\":\"bad\"}"), now());
        fail(r.get(1), new FailureReason.RetriableHttpStatus(503, "busy"), now());
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isEqualTo(26 + 38 + 2 * 160L);

        assertThat(storage().retryFailedRequests(List.of(r.get(0).id()))).containsExactly(new RequestOutcome.Done(r.get(0).id()));
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(r.get(1).id());
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isEqualTo(38 + 160L);

        // the third template races a copy; the copy fails ("Timed out: slow", 15 bytes), then the original wins
        BatchRequest third = originals(b.id()).get(2);
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST,
                null)).isEqualTo(2);
        BatchRequest copy = processing(liveDaemon(), FAST, 2).stream()
                .filter(c -> c.data().escalatedFrom().equals(third.id())).findFirst().orElseThrow();
        fail(copy, new FailureReason.Timeout("slow"), now());
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(r.get(1).id());
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isEqualTo(38 + 160L);

        BatchRequest thirdRunning = processing(liveDaemon(), M, 2).stream()
                .filter(o -> o.id().equals(third.id())).findFirst().orElseThrow();
        assertThat(complete(thirdRunning, "{}", now())).isEqualTo(new PersistResult.Applied(Optional.of(copy.id())));
        assertThat(kindOf(copy.id())).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(r.get(1).id());
        assertThat(storage().getFile(b.errorFileId()).sizeBytes()).isEqualTo(38 + 160L);
        // one output line of 2 bytes ({}) plus its 181-byte envelope
        assertThat(storage().getFile(b.outputFileId()).sizeBytes()).isEqualTo(2 + 181L);
    }
}
