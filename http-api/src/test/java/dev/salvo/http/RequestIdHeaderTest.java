package dev.salvo.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every answer carries its own {@code x-request-id} (OpenAI's form), successes and refusals alike. */
class RequestIdHeaderTest {

    private HttpApi api;

    @BeforeEach
    void start() {
        HashedApiKeys keys = new HashedApiKeys(List.of(HashedApiKeys.forKey("sk-alice", new Principal("alice", false))));
        api = HttpApi.create(new HttpApiSettings("127.0.0.1", 0, 4096, 0), keys, new MemoryCheckpointStore(), Clock.systemUTC())
                .start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void everyAnswerHasADistinctRequestId() {
        TestClient alice = new TestClient(api.port(), "sk-alice");
        Set<String> ids = new HashSet<>();
        List<TestClient.Response> answers = List.of(
                alice.get("/v1/checkpoints"),
                alice.get("/v1/checkpoints/t/latest"),
                alice.as("sk-wrong").get("/v1/checkpoints"),
                alice.get("/healthz"),
                alice.get("/v1/nothing-here"));
        assertThat(answers).extracting(TestClient.Response::status).containsExactly(200, 404, 401, 200, 404);
        for (TestClient.Response answer : answers) {
            String id = answer.header("x-request-id");
            assertThat(id).matches("req_[0-9a-f]{32}");
            ids.add(id);
        }
        assertThat(ids).hasSize(5);
    }
}
