package dev.salvo.http.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.http.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batches: the OpenAI object and lifecycle, output/error files, tenancy, bad input and the extensions. */
class BatchApiTest extends BatchApiFixture {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> BATCH_FIELDS = Set.of("id", "object", "endpoint", "errors", "input_file_id",
            "completion_window", "status", "output_file_id", "error_file_id", "created_at", "in_progress_at", "expires_at",
            "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts",
            "metadata", "model", "usage");

    @Test
    void createsABatchWithEveryOpenAiField() {
        String fileId = uploadOk(alice, lines(3));
        TestClient.Response r = alice.post("/v1/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + CHAT
                + "\",\"completion_window\":\"24h\",\"metadata\":{\"project\":\"x\"}}");
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        JsonNode batch = r.json();
        Set<String> fields = new HashSet<>();
        batch.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(BATCH_FIELDS);
        assertThat(batch.get("id").asText()).startsWith("batch_");
        assertThat(batch.get("object").asText()).isEqualTo("batch");
        assertThat(batch.get("status").asText()).isEqualTo("in_progress");
        assertThat(batch.get("input_file_id").asText()).isEqualTo(fileId);
        assertThat(batch.get("output_file_id").asText()).startsWith("file-");
        assertThat(batch.get("error_file_id").asText()).startsWith("file-");
        assertThat(batch.get("expires_at").asLong() - batch.get("created_at").asLong()).isEqualTo(24 * 3600);
        assertThat(batch.get("in_progress_at").isNull()).isFalse();
        assertThat(batch.get("completed_at").isNull()).isTrue();
        assertThat(batch.get("errors").isNull()).isTrue();
        assertThat(batch.get("metadata").get("project").asText()).isEqualTo("x");
        assertThat(batch.get("request_counts").get("total").asLong()).isEqualTo(3);
        assertThat(batch.get("request_counts").get("completed").asLong()).isZero();

        TestClient.Response again = alice.get("/v1/batches/" + batch.get("id").asText());
        assertThat(again.json().get("id").asText()).isEqualTo(batch.get("id").asText());
    }

    @Test
    void completionWindowDefaultsToTheFirstAllowed() {
        String fileId = uploadOk(alice, lines(1));
        TestClient.Response r = alice.post("/v1/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + CHAT + "\"}");
        assertThat(r.json().get("completion_window").asText()).isEqualTo("24h");
        TestClient.Response hour = alice.post("/v1/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + CHAT
                + "\",\"completion_window\":\"1h\"}");
        assertThat(hour.json().get("expires_at").asLong() - hour.json().get("created_at").asLong()).isEqualTo(3600);
    }

    @Test
    void outputAndErrorFilesCarryEveryResultInOpenAiFormat() {
        String fileId = uploadOk(alice, lines(4));
        JsonNode batch = createBatch(alice, fileId);
        String id = batch.get("id").asText();
        finish(id, r -> switch (r.data().customId()) {
            case "req-0" -> completed("{\"id\":\"chatcmpl-1\",\"choices\":[]}");
            case "req-1" -> completed("<html>not json</html>");
            case "req-2" -> failed(new FailureReason.NonRetriableHttpStatus(400, "{\"error\":{\"message\":\"bad\"}}"));
            default -> failed(new FailureReason.BatchExpired());
        });
        JsonNode done = alice.get("/v1/batches/" + id).json();
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("completed_at").isNull()).isFalse();
        assertThat(done.get("finalizing_at").isNull()).isFalse();
        assertThat(done.get("request_counts").get("completed").asLong()).isEqualTo(2);
        assertThat(done.get("request_counts").get("failed").asLong()).isEqualTo(2);

        TestClient.Response outputResponse = alice.get("/v1/files/" + done.get("output_file_id").asText() + "/content");
        assertThat(outputResponse.header("X-Salvo-Incomplete")).isEqualTo("false");
        List<JsonNode> output = jsonl(outputResponse);
        assertThat(output).hasSize(2);
        JsonNode first = output.stream().filter(l -> l.get("custom_id").asText().equals("req-0")).findFirst().orElseThrow();
        assertThat(first.get("id").asText()).startsWith("batch_req_");
        assertThat(first.get("response").get("status_code").asInt()).isEqualTo(200);
        assertThat(first.get("response").get("request_id").asText()).startsWith("req_");
        assertThat(first.get("response").get("body").get("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(first.get("error").isNull()).isTrue();
        JsonNode notJson = output.stream().filter(l -> l.get("custom_id").asText().equals("req-1")).findFirst().orElseThrow();
        assertThat(notJson.get("response").get("body").asText()).isEqualTo("<html>not json</html>");

        List<JsonNode> errors = jsonl(alice.get("/v1/files/" + done.get("error_file_id").asText() + "/content"));
        assertThat(errors).hasSize(2);
        JsonNode http = errors.stream().filter(l -> l.get("custom_id").asText().equals("req-2")).findFirst().orElseThrow();
        assertThat(http.get("response").get("status_code").asInt()).isEqualTo(400);
        assertThat(http.get("response").get("body").get("error").get("message").asText()).isEqualTo("bad");
        assertThat(http.get("error").isNull()).isTrue();
        JsonNode expired = errors.stream().filter(l -> l.get("custom_id").asText().equals("req-3")).findFirst().orElseThrow();
        assertThat(expired.get("response").isNull()).isTrue();
        assertThat(expired.get("error").get("code").asText()).isEqualTo("batch_expired");

        JsonNode outputFile = alice.get("/v1/files/" + done.get("output_file_id").asText()).json();
        assertThat(outputFile.get("purpose").asText()).isEqualTo("batch_output");
        assertThat(alice.get("/v1/files/" + done.get("error_file_id").asText()).json().get("purpose").asText())
                .isEqualTo("batch_output");
    }

    @Test
    void outputFileOfARunningBatchStreamsTheResultsSoFar() {
        JsonNode batch = createBatch(alice, uploadOk(alice, lines(3)));
        String id = batch.get("id").asText();
        TestClient.Response before = alice.get("/v1/files/" + batch.get("output_file_id").asText() + "/content");
        assertThat(before.header("X-Salvo-Incomplete")).isEqualTo("true");
        assertThat(jsonl(before)).isEmpty();
        finish(id, r -> r.data().customId().equals("req-1") ? completed("{\"ok\":true}") : r.state());
        List<JsonNode> partial = jsonl(alice.get("/v1/files/" + batch.get("output_file_id").asText() + "/content"));
        assertThat(partial).extracting(l -> l.get("custom_id").asText()).containsExactly("req-1");
        assertThat(alice.get("/v1/batches/" + id).json().get("request_counts").get("completed").asLong()).isEqualTo(1);
    }

    @Test
    void listsBatchesNewestFirstWithCursorPaging() {
        String fileId = uploadOk(alice, lines(1));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(createBatch(alice, fileId).get("id").asText());
        }
        createBatch(bob, uploadOk(bob, lines(1)));
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = alice.get("/v1/batches?limit=2" + (after == null ? "" : "&after=" + after)).json();
            assertThat(page.get("object").asText()).isEqualTo("list");
            page.get("data").forEach(b -> seen.add(b.get("id").asText()));
            if (!page.get("has_more").asBoolean()) {
                break;
            }
            after = page.get("last_id").asText();
            assertThat(after).isEqualTo(page.get("data").get(page.get("data").size() - 1).get("id").asText());
        }
        assertThat(seen).containsExactlyElementsOf(created.reversed());
        assertThat(admin.get("/v1/batches?limit=100").json().get("data")).hasSize(6);
        assertError(alice.get("/v1/batches?limit=101"), 400, "invalid_value");
        assertError(alice.get("/v1/batches?after=nonsense"), 400, "invalid_value");
    }

    @Test
    void listsFilesWithCursorPagingAndPurposeFilter() {
        List<String> uploaded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uploaded.add(uploadOk(alice, lines(1)));
        }
        JsonNode batch = createBatch(alice, uploaded.getFirst());
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = alice.get("/v1/files?purpose=batch&limit=2&order=asc" + (after == null ? "" : "&after=" + after)).json();
            page.get("data").forEach(f -> seen.add(f.get("id").asText()));
            if (!page.get("has_more").asBoolean()) {
                break;
            }
            after = page.get("last_id").asText();
        }
        assertThat(seen).containsExactlyElementsOf(uploaded);
        List<String> outputs = new ArrayList<>();
        alice.get("/v1/files?purpose=batch_output&limit=1").json().get("data").forEach(f -> outputs.add(f.get("id").asText()));
        assertThat(outputs).hasSize(1).isSubsetOf(batch.get("output_file_id").asText(), batch.get("error_file_id").asText());
        assertThat(alice.get("/v1/files").json().get("data")).hasSize(7);
        assertThat(bob.get("/v1/files").json().get("data")).isEmpty();
    }

    @Test
    void cancelsARunningBatchAndRefusesToCancelAFinishedOne() {
        JsonNode batch = createBatch(alice, uploadOk(alice, lines(2)));
        String id = batch.get("id").asText();
        TestClient.Response cancelled = alice.post("/v1/batches/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isIn("cancelling", "cancelled");
        assertThat(cancelled.json().get("cancelling_at").isNull()).isFalse();
        // Again: a no-op while cancelling, a 400 once cancelled (nothing was in flight, so it is already cancelled).
        TestClient.Response again = alice.post("/v1/batches/" + id + "/cancel", "");
        if (cancelled.json().get("status").asText().equals("cancelled")) {
            assertError(again, 400, "invalid_state");
        } else {
            assertThat(again.status()).isEqualTo(200);
        }

        JsonNode other = createBatch(alice, uploadOk(alice, lines(1)));
        finish(other.get("id").asText(), r -> completed("{}"));
        TestClient.Response refused = alice.post("/v1/batches/" + other.get("id").asText() + "/cancel", "");
        assertError(refused, 400, "invalid_state");
        assertThat(refused.json().get("error").get("message").asText()).contains("completed");
        assertThat(alice.get("/v1/batches/" + other.get("id").asText()).json().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void anotherPrincipalsBatchesAndFilesAreNotFound() {
        String fileId = uploadOk(alice, lines(1));
        String batchId = createBatch(alice, fileId).get("id").asText();
        assertError(bob.get("/v1/batches/" + batchId), 404, "batch_not_found");
        assertError(bob.post("/v1/batches/" + batchId + "/cancel", ""), 404, "batch_not_found");
        assertError(bob.delete("/v1/batches/" + batchId), 404, "batch_not_found");
        assertError(bob.get("/v1/files/" + fileId), 404, "file_not_found");
        assertError(bob.get("/v1/files/" + fileId + "/content"), 404, "file_not_found");
        assertError(bob.delete("/v1/files/" + fileId), 404, "file_not_found");
        assertError(bob.post("/v1/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + CHAT + "\"}"),
                404, "file_not_found");
        assertThat(bob.get("/v1/batches").json().get("data")).isEmpty();
        assertThat(admin.get("/v1/batches/" + batchId).status()).isEqualTo(200);
        assertThat(alice.get("/v1/batches/" + batchId).status()).isEqualTo(200);
        assertThat(storage.listBatches(dev.salvo.core.batch.ListBatchesFilter.all())).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file-../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "file-' OR '1'='1", "file-%00",
            "file-0190f5d2-8b5a-7cc0-9d0e-6c1f2b3a4d5e", "batch_0190f5d2-8b5a-7cc0-9d0e-6c1f2b3a4d5e", "12345"})
    void unknownAndPathLikeIdsAreNotFound(String id) {
        String encoded = id.replace(" ", "%20").replace("'", "%27");
        // An encoded NUL is refused by the HTTP layer itself (400); either way, the OpenAI envelope.
        int status = id.contains("%00") ? 400 : 404;
        // The POST first: after a malformed URI the server closes the connection, and a POST (unlike a GET)
        // is not retried by the client on a connection that closed under it.
        assertError(alice.post("/v1/batches", "{\"input_file_id\":" + MAPPER.valueToTree(id) + ",\"endpoint\":\"" + CHAT + "\"}"),
                404, "file_not_found");
        assertError(alice.get("/v1/files/" + encoded), status, null);
        assertError(alice.get("/v1/batches/" + encoded), status, null);
        assertNothingStored();
    }

    @Test
    void refusesBadBatchRequestsAndCreatesNothing() {
        String fileId = uploadOk(alice, lines(2));
        String embeddings = uploadOk(alice, lines(2).replace(CHAT, "/v1/embeddings"));
        String base = "{\"input_file_id\":\"" + fileId + "\",";
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"completion_window\":\"48h\"}"),
                400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"completion_window\":\"soon\"}"),
                400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"/v1/images/generations\"}"), 400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"/v1/embeddings\"}"), 400, "mismatched_endpoint");
        assertError(alice.post("/v1/batches", "{\"input_file_id\":\"" + embeddings + "\",\"endpoint\":\"" + CHAT + "\"}"),
                400, "mismatched_endpoint");
        assertError(alice.post("/v1/batches", "{\"endpoint\":\"" + CHAT + "\"}"), 400, "missing_required_parameter");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"colour\":\"red\"}"), 400, "unknown_parameter");
        assertError(alice.post("/v1/batches", "not json"), 400, "invalid_json");
        String seventeen = IntStream.range(0, 17).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(",", "{", "}"));
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"metadata\":" + seventeen + "}"),
                400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"metadata\":{\"" + "k".repeat(65) + "\":\"v\"}}"),
                400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}"),
                400, "invalid_value");
        assertError(alice.post("/v1/batches", base + "\"endpoint\":\"" + CHAT + "\",\"metadata\":{\"k\":1}}"), 400, "invalid_type");
        assertThat(storage.listBatches(dev.salvo.core.batch.ListBatchesFilter.all())).isEmpty();
    }

    /** The same policy as an upload's expires_after: anchor created_at, one hour to 30 days. */
    @Test
    void outputExpiresAfterIsCheckedLikeAnUploadsExpiry() {
        String base = "{\"input_file_id\":\"" + uploadOk(alice, lines(1)) + "\",\"endpoint\":\"" + CHAT
                + "\",\"output_expires_after\":";
        for (String accepted : List.of("{\"anchor\":\"created_at\",\"seconds\":3600}",
                "{\"anchor\":\"created_at\",\"seconds\":2592000}", "null")) {
            assertThat(alice.post("/v1/batches", base + accepted + "}").status()).as(accepted).isEqualTo(200);
        }
        for (String refused : List.of("{\"anchor\":\"created_at\",\"seconds\":3599}",
                "{\"anchor\":\"created_at\",\"seconds\":2592001}", "{\"anchor\":\"last_active_at\",\"seconds\":3600}",
                "{\"anchor\":\"created_at\"}", "{\"anchor\":\"created_at\",\"seconds\":\"3600\"}", "3600")) {
            TestClient.Response r = alice.post("/v1/batches", base + refused + "}");
            assertError(r, 400, "invalid_value");
            assertThat(r.json().get("error").get("param").asText()).isEqualTo("output_expires_after");
            assertThat(r.json().get("error").get("message").asText()).as(refused)
                    .isEqualTo("'output_expires_after' must be {\"anchor\": \"created_at\", \"seconds\": 3600 to 2592000}.");
        }
    }

    @Test
    void deletesBatchesAndFiles() {
        String fileId = uploadOk(alice, lines(1));
        String batchId = createBatch(alice, fileId).get("id").asText();
        JsonNode deleted = alice.delete("/v1/batches/" + batchId).json();
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(deleted.get("id").asText()).isEqualTo(batchId);
        assertError(alice.get("/v1/batches/" + batchId), 404, "batch_not_found");
        JsonNode deletedFile = alice.delete("/v1/files/" + fileId).json();
        assertThat(deletedFile.get("object").asText()).isEqualTo("file");
        assertThat(deletedFile.get("deleted").asBoolean()).isTrue();
        assertError(alice.get("/v1/files/" + fileId), 404, "file_not_found");
    }

    @Test
    void mergedResultsAndRetries() {
        JsonNode batch = createBatch(alice, uploadOk(alice, lines(3)));
        String id = batch.get("id").asText();
        finish(id, r -> r.data().customId().equals("req-1")
                ? failed(new FailureReason.NonRetriableHttpStatus(422, "{}")) : completed("{\"n\":1}"));
        List<JsonNode> results = jsonl(alice.get("/v1/batches/" + id + "/results"));
        assertThat(results).extracting(r -> r.get("custom_id").asText()).containsExactly("req-0", "req-1", "req-2");
        assertThat(results).extracting(r -> r.get("status").asText()).containsExactly("completed", "failed", "completed");
        assertThat(results.get(0).get("input_body").get("model").asText()).isEqualTo("m1");
        assertThat(jsonl(alice.get("/v1/batches/" + id + "/results?status=failed"))).hasSize(1);
        assertThat(jsonl(alice.get("/v1/batches/" + id + "/results?offset=1&limit=1"))).extracting(r -> r.get("custom_id").asText())
                .containsExactly("req-1");
        assertError(alice.get("/v1/batches/" + id + "/results?status=weird"), 400, "invalid_value");

        String failedRequest = results.get(1).get("id").asText();
        assertError(alice.post("/v1/batches/" + id + "/retry-requests", "{\"request_ids\":[\"" + results.get(0).get("id").asText() + "\"]}"),
                400, "no_failed_requests");
        assertError(alice.post("/v1/batches/" + id + "/retry-requests", "{\"request_ids\":[\"batch_req_nope\"]}"), 400, "invalid_value");
        JsonNode retried = alice.post("/v1/batches/" + id + "/retry-requests", "{\"request_ids\":[\"" + failedRequest + "\"]}").json();
        assertThat(retried.get("request_counts").get("failed").asLong()).isZero();
        assertThat(retried.get("status").asText()).isEqualTo("in_progress");
        assertError(alice.post("/v1/batches/" + id + "/retry", ""), 400, "no_failed_requests");
        finish(id, r -> r.data().customId().equals("req-1")
                ? failed(new FailureReason.NonRetriableHttpStatus(422, "{}")) : r.state());
        JsonNode again = alice.post("/v1/batches/" + id + "/retry", "").json();
        assertThat(again.get("request_counts").get("failed").asLong()).isZero();
    }

    @Test
    void cancelRequestsCancelsTheListedUnfinishedRequestsOnly() {
        String id = createBatch(alice, uploadOk(alice, lines(3))).get("id").asText();
        List<JsonNode> results = jsonl(alice.get("/v1/batches/" + id + "/results"));
        String first = results.get(0).get("id").asText();
        String second = results.get(1).get("id").asText();

        JsonNode after = alice.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[\"" + first + "\",\"" + second
                + "\"]}").json();

        assertThat(after.get("request_counts").get("total").asLong()).isEqualTo(3);
        assertThat(after.get("status").asText()).isEqualTo("in_progress");
        assertThat(jsonl(alice.get("/v1/batches/" + id + "/results"))).extracting(r -> r.get("status").asText())
                .containsExactly("canceled", "canceled", "pending");
        assertError(alice.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[\"" + first + "\"]}"), 400,
                "no_unfinished_requests");
        assertError(alice.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[\"batch_req_nope\"]}"), 400,
                "invalid_value");
        assertError(alice.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[]}"), 400,
                "missing_required_parameter");
        assertError(bob.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[\"" + results.get(2).get("id").asText()
                + "\"]}"), 404, "batch_not_found");
        JsonNode last = alice.post("/v1/batches/" + id + "/cancel-requests", "{\"request_ids\":[\""
                + results.get(2).get("id").asText() + "\"]}").json();
        assertThat(last.get("status").asText()).isEqualTo("completed");
    }

    @Test
    void fileBatchesListsTheCallersBatchesFromAFileNewestFirst() {
        String fileId = uploadOk(alice, lines(2));
        String older = createBatch(alice, fileId).get("id").asText();
        String newer = createBatch(alice, fileId).get("id").asText();
        String other = uploadOk(alice, lines(1));
        createBatch(alice, other);

        JsonNode list = alice.get("/v1/files/" + fileId + "/batches").json();

        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> ids = new java.util.ArrayList<>();
        list.get("data").forEach(b -> ids.add(b.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder(newer, older).hasSize(2);
        assertThat(list.get("data").get(0).get("input_file_id").asText()).isEqualTo(fileId);
        assertThat(list.get("has_more").asBoolean()).isFalse();
        assertThat(alice.get("/v1/files/" + other + "/batches").json().get("data")).hasSize(1);
        assertError(bob.get("/v1/files/" + fileId + "/batches"), 404, "file_not_found");
        assertThat(admin.get("/v1/files/" + fileId + "/batches").json().get("data")).hasSize(2);
    }

    @Test
    void daemonsAreForAdminsOnly() {
        assertError(alice.get("/v1/daemons"), 403, "permission_denied");
        JsonNode list = admin.get("/v1/daemons").json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data")).isEmpty();
        assertError(admin.get("/v1/daemons?status=sleeping"), 400, "invalid_value");
    }

    private static List<JsonNode> jsonl(TestClient.Response r) {
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                try {
                    out.add(MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(line, e);
                }
            }
        }
        return out;
    }
}
