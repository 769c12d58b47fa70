package dev.salvo.http.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.http.TestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Uploads: what is stored, and every kind of bad input refused with nothing stored. */
class FileUploadApiTest extends BatchApiFixture {

    @Test
    void storesAValidFileAndServesItBackByteForByte() {
        // Odd spacing inside the body must survive: the upstream gets exactly what was uploaded.
        String body = "{\"model\": \"m1\",   \"messages\": [ {\"role\":\"user\", \"content\":\"é ✓ \\n\"} ], \"temperature\": 0.5}";
        // Multi-byte characters before the body: the body is sliced by byte offsets, not char offsets.
        String jsonl = "{\"custom_id\":\"ä✓\",\"method\":\"POST\",\"url\":\"" + CHAT + "\",\"body\":" + body + "}\r\n\n"
                + line("b", "m2") + "\n";
        TestClient.Response r = upload(alice, Multipart.upload(jsonl));
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        JsonNode file = r.json();
        assertThat(file.get("id").asText()).startsWith("file-");
        assertThat(file.get("object").asText()).isEqualTo("file");
        assertThat(file.get("bytes").asLong()).isEqualTo(jsonl.getBytes(StandardCharsets.UTF_8).length);
        assertThat(file.get("filename").asText()).isEqualTo("requests.jsonl");
        assertThat(file.get("purpose").asText()).isEqualTo("batch");
        assertThat(file.get("status").asText()).isEqualTo("processed");
        assertThat(file.get("created_at").asLong()).isPositive();
        assertThat(file.get("expires_at").asLong()).isGreaterThan(file.get("created_at").asLong());
        assertThat(file.has("status_details") && file.get("status_details").isNull()).isTrue();

        TestClient.Response content = alice.get("/v1/files/" + file.get("id").asText() + "/content");
        assertThat(content.status()).isEqualTo(200);
        String[] lines = new String(content.body(), StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("{\"custom_id\":\"ä✓\",\"method\":\"POST\",\"url\":\"" + CHAT + "\",\"body\":" + body + "}");
        assertThat(lines[1]).isEqualTo(line("b", "m2"));

        TestClient.Response stats = alice.get("/v1/files/" + file.get("id").asText() + "/template-stats");
        assertThat(stats.json().get("data")).hasSize(2);
        assertThat(stats.json().get("data").get(0).get("model").asText()).isEqualTo("m1");
        assertThat(stats.json().get("data").get(0).get("request_count").asLong()).isEqualTo(1);
    }

    @Test
    void purposeAndExpiryMayComeBeforeTheFile() {
        Multipart body = new Multipart().field("purpose", "batch").field("expires_after[anchor]", "created_at")
                .field("expires_after[seconds]", "7200").file("in.jsonl", lines(3).getBytes(StandardCharsets.UTF_8));
        TestClient.Response r = upload(alice, body);
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        assertThat(r.json().get("expires_at").asLong() - r.json().get("created_at").asLong()).isBetween(7199L, 7201L);
        assertThat(r.json().get("filename").asText()).isEqualTo("in.jsonl");
    }

    static Stream<Arguments> badLines() {
        String ok = line("ok-1");
        String longId = "x".repeat(65);
        return Stream.of(
                Arguments.of("not JSON", "hello world", "invalid_json_line", 1),
                Arguments.of("a JSON array, not an object", "[1,2,3]", "invalid_json_line", 1),
                Arguments.of("trailing garbage", ok.replace("ok-1", "ok-2") + " {}", "invalid_json_line", 1),
                Arguments.of("missing custom_id", line("a").replace("\"custom_id\":\"a\",", ""), "invalid_custom_id", 1),
                Arguments.of("custom_id not a string", line("a").replace("\"a\"", "7"), "invalid_custom_id", 1),
                Arguments.of("custom_id over 64 characters", line(longId), "invalid_custom_id", 1),
                Arguments.of("duplicate custom_id", ok + "\n" + line("ok-2") + "\n" + ok, "duplicate_custom_id", 3),
                Arguments.of("method GET", line("a").replace("POST", "GET"), "invalid_method", 1),
                Arguments.of("url not allowed", line("a").replace(CHAT, "/v1/images/generations"), "invalid_url", 1),
                Arguments.of("urls differ between lines", ok + "\n" + line("b").replace(CHAT, "/v1/embeddings"), "mismatched_url", 2),
                Arguments.of("body without model", line("a").replace("\"model\":\"m1\",", ""), "missing_model", 1),
                Arguments.of("body not an object", "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + CHAT + "\",\"body\":\"x\"}",
                        "invalid_body", 1),
                Arguments.of("no body", "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + CHAT + "\"}", "invalid_body", 1),
                Arguments.of("model not served", ok + "\n" + line("b", "gpt-unknown"), "model_not_found", 2),
                Arguments.of("duplicate key in a line", line("a").replace("\"method\":\"POST\"", "\"method\":\"POST\",\"method\":\"POST\""),
                        "invalid_json_line", 1),
                Arguments.of("empty file", "", "empty_file", 0),
                Arguments.of("only blank lines", "\n  \n\r\n", "empty_file", 0),
                Arguments.of("more lines than allowed", lines(101), "too_many_lines", 0),
                Arguments.of("a line longer than allowed", ok + "\n" + line("b").replace("hi b", "y".repeat(5000)), "line_too_long", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void refusesABadFileNamingTheLineAndStoresNothing(String why, String jsonl, String code, int lineNumber) {
        TestClient.Response r = upload(alice, Multipart.upload(jsonl));
        assertError(r, 400, code);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("file");
        if (lineNumber > 0) {
            assertThat(r.json().get("error").get("message").asText()).startsWith("Line " + lineNumber + ":");
        }
        assertNothingStored();
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] good = (line("a") + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = line("b").replace("hi b", "hi \u0001").getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 10] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
        byte[] content = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, content, good.length, bad.length);
        TestClient.Response r = upload(alice, new Multipart().file("x.jsonl", content).field("purpose", "batch"));
        assertError(r, 400, "invalid_encoding");
        assertThat(r.json().get("error").get("message").asText()).startsWith("Line 2:");
        assertNothingStored();
    }

    @Test
    void refusesAFileOverTheSizeLimitWithContentLength() {
        TestClient.Response r = upload(alice, Multipart.upload(lines(90).repeat(1)).field("padding", "p".repeat(2 * 1024 * 1024)));
        assertError(r, 413, "payload_too_large");
        assertNothingStored();
    }

    @Test
    void refusesAStreamedFileOverTheSizeLimit() {
        // Chunked (no Content-Length): the limit is enforced while reading.
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 80 * 1024; i++) {
            big.append(line("r" + i)).append('\n');
        }
        Multipart body = Multipart.upload(big.toString());
        TestClient.Response r = alice.send(alice.builder("/v1/files").header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.bytes()))));
        assertThat(r.status()).as(new String(r.body())).isIn(400, 413);
        assertError(r, r.status(), r.status() == 413 ? "payload_too_large" : "too_many_lines");
        assertNothingStored();
    }

    @Test
    void refusesAFileWhoseSizeAloneIsOverTheLimit() {
        // Under the line limit, over the byte limit: lines padded to ~1.5 KB each.
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 80 * 1024; i++) {
            big.append(line("r" + i).replace("hi r", "z".repeat(1500))).append('\n');
        }
        Multipart body = Multipart.upload(big.toString());
        TestClient.Response r = alice.send(alice.builder("/v1/files").header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.bytes()))));
        assertError(r, 413, "payload_too_large");
        assertNothingStored();
    }

    @Test
    void refusesATruncatedMultipartBody() {
        byte[] whole = Multipart.upload(lines(5)).bytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 60);
        TestClient.Response r = alice.send(alice.builder("/v1/files").header("Content-Type", new Multipart().contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(cut)));
        assertError(r, 400, "invalid_multipart");
        assertNothingStored();
    }

    @Test
    void refusesAClientThatDisconnectsMidUpload() throws Exception {
        // The body stream fails half way: the server sees a broken body, and must roll back.
        byte[] whole = Multipart.upload(lines(50)).bytes();
        InputStream breaking = new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent == whole.length / 2) {
                    throw new IOException("client went away");
                }
                return whole[sent++] & 0xff;
            }
        };
        try {
            alice.send(alice.builder("/v1/files").header("Content-Type", new Multipart().contentType())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> breaking)));
        } catch (RuntimeException expected) {
            // the client's own send fails; what matters is the server
        }
        Thread.sleep(500); // the server notices the broken stream on its own time
        assertNothingStored();
        uploadOk(alice, lines(2)); // and it still serves the next upload
    }

    @Test
    void refusesAMissingOrWrongPurposeEvenAfterTheFile() {
        assertError(upload(alice, new Multipart().file("a.jsonl", lines(2).getBytes(StandardCharsets.UTF_8))),
                400, "missing_required_parameter");
        TestClient.Response after = upload(alice, new Multipart().file("a.jsonl", lines(2).getBytes(StandardCharsets.UTF_8))
                .field("purpose", "fine-tune"));
        assertError(after, 400, "invalid_value");
        assertThat(after.json().get("error").get("param").asText()).isEqualTo("purpose");
        assertError(upload(alice, new Multipart().field("purpose", "assistants").file("a.jsonl", lines(2).getBytes(StandardCharsets.UTF_8))),
                400, "invalid_value");
        assertNothingStored();
    }

    @Test
    void refusesAMissingFileAndBadExpiry() {
        assertError(upload(alice, new Multipart().field("purpose", "batch")), 400, "missing_required_parameter");
        assertError(upload(alice, Multipart.upload(lines(1)).field("expires_after[anchor]", "created_at")
                .field("expires_after[seconds]", "60")), 400, "invalid_value");
        assertError(upload(alice, Multipart.upload(lines(1)).field("expires_after[anchor]", "last_active_at")
                .field("expires_after[seconds]", "3600")), 400, "invalid_value");
        for (String seconds : List.of("3599", "2592001", "1.5e4", "")) {
            TestClient.Response r = upload(alice, Multipart.upload(lines(1)).field("expires_after[anchor]", "created_at")
                    .field("expires_after[seconds]", seconds));
            assertError(r, 400, "invalid_value");
            assertThat(r.json().get("error").get("message").asText()).as(seconds)
                    .isEqualTo("'expires_after[seconds]' must be a whole number from 3600 to 2592000.");
        }
        assertNothingStored();
    }

    @Test
    void refusesABodyThatIsNotMultipart() {
        assertError(alice.post("/v1/files", "{\"file\":\"x\"}"), 400, "invalid_content_type");
        assertNothingStored();
    }

    @Test
    void refusesAMissingOrWrongApiKey() {
        Multipart body = Multipart.upload(lines(1));
        TestClient anonymous = alice.as(null);
        assertError(upload(anonymous, body), 401, "missing_api_key");
        assertError(upload(alice.as("sk-wrong"), body), 401, "invalid_api_key");
        assertError(alice.as("sk-wrong").get("/v1/files"), 401, "invalid_api_key");
        assertNothingStored();
    }
}
