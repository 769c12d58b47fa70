package dev.salvo.http.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestState;
import dev.salvo.http.HttpApi;
import dev.salvo.http.HttpApiSettings;
import dev.salvo.http.TestClient;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.support.WireIds;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real server over the memory store with three principals: alice, bob and the admin. */
abstract class BatchApiFixture {

    static final String CHAT = "/v1/chat/completions";

    MemoryBatchStorage storage;
    HttpApi api;
    TestClient alice;
    TestClient bob;
    TestClient admin;

    /** Small limits so the limit tests stay small. */
    BatchApiSettings settings() {
        return BatchApiSettings.defaults(Set.of("m1", "m2"))
                .withMaxUploadBytes(64 * 1024)
                .withMaxLinesPerFile(100)
                .withMaxLineBytes(4096)
                .withCompletionWindows(List.of("24h", "1h"));
    }

    @BeforeEach
    void startServer() {
        storage = new MemoryBatchStorage(Clock.systemUTC());
        HashedApiKeys keys = new HashedApiKeys(List.of(
                HashedApiKeys.forKey("sk-alice", new Principal("alice", false)),
                HashedApiKeys.forKey("sk-bob", new Principal("bob", false)),
                HashedApiKeys.forKey("sk-admin", new Principal("root", true))));
        api = HttpApi.builder(new HttpApiSettings("127.0.0.1", 0, 4096, 0), keys)
                .batches(storage, storage, settings())
                .build()
                .start();
        alice = new TestClient(api.port(), "sk-alice");
        bob = alice.as("sk-bob");
        admin = alice.as("sk-admin");
    }

    @AfterEach
    void stopServer() {
        api.close();
    }

    static String line(String customId) {
        return line(customId, "m1");
    }

    static String line(String customId, String model) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"" + CHAT + "\",\"body\":{\"model\":\""
                + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + customId + "\"}]}}";
    }

    static String lines(int n) {
        return IntStream.range(0, n).mapToObj(i -> line("req-" + i)).collect(Collectors.joining("\n", "", "\n"));
    }

    static TestClient.Response upload(TestClient client, Multipart body) {
        return client.send(client.builder("/v1/files").header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    }

    static String uploadOk(TestClient client, String jsonl) {
        TestClient.Response r = upload(client, Multipart.upload(jsonl));
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        return r.json().get("id").asText();
    }

    static JsonNode createBatch(TestClient client, String fileId) {
        TestClient.Response r = client.post("/v1/batches",
                "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + CHAT + "\",\"completion_window\":\"24h\"}");
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        return r.json();
    }

    static void assertError(TestClient.Response r, int status, String code) {
        assertThat(r.status()).as(new String(r.body())).isEqualTo(status);
        JsonNode error = r.json().get("error");
        assertThat(error).as(new String(r.body())).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code")).isTrue();
        assertThat(error.get("message").asText()).isNotBlank();
        if (code != null) {
            assertThat(error.get("code").asText()).isEqualTo(code);
        }
    }

    /** Nothing at all was stored: no file (not even a deleted one would list) and no batch. */
    void assertNothingStored() {
        assertThat(storage.listFiles(FileFilter.all())).isEmpty();
        assertThat(storage.listBatches(ListBatchesFilter.all())).isEmpty();
    }

    /** Plays the daemon: gives each request of the batch its final state, as the mapper decides. */
    void finish(String wireBatchId, Function<BatchRequest, RequestState> outcome) {
        BatchId id = BatchId.parse(wireBatchId.substring(WireIds.BATCH.length()));
        List<BatchRequest> requests;
        try (var stream = storage.streamBatchRequests(id)) {
            requests = stream.toList();
        }
        for (BatchRequest r : requests) {
            storage.persist(new BatchRequest(r.data(), outcome.apply(r)));
        }
    }

    static RequestState completed(String body) {
        Instant now = Instant.now();
        return new RequestState.Completed(200, body, now, now, now, "m1");
    }

    static RequestState failed(FailureReason reason) {
        return new RequestState.Failed(reason, Instant.now(), 0, "m1");
    }
}
