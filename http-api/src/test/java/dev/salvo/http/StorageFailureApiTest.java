package dev.salvo.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.http.auth.Principal;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend that cannot be reached answers 503 {@code storage_unavailable} with {@code x-should-retry: true}
 * on every port — the key lookup that authenticates each request included — so the official SDKs retry
 * instead of giving up.
 */
class StorageFailureApiTest {

    private HttpApi api;

    @BeforeEach
    void start() {
        CheckpointStore broken = (CheckpointStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CheckpointStore.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "broken" : null;
                    }
                    throw new CheckpointException.Backend("connection refused", null);
                });
        api = HttpApi.create(new HttpApiSettings("127.0.0.1", 0, 4096, 0), key -> switch (key) {
            case "sk-alice" -> Optional.of(new Principal("alice", false));
            case "sk-during-outage" -> throw new ApiKeyStoreException.Backend("key store unreachable", null);
            default -> Optional.empty();
        }, broken, Clock.systemUTC()).start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void checkpointStorageFailureIsRetryable503() {
        TestClient.Response r = new TestClient(api.port(), "sk-alice").get("/v1/checkpoints/run-1/latest");

        assertThat(r.status()).as(new String(r.body())).isEqualTo(503);
        assertThat(r.header("x-should-retry")).isEqualTo("true");
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("storage_unavailable");
        assertThat(r.json().get("error").get("type").asText()).isEqualTo("server_error");
    }

    @Test
    void keyStoreFailureDuringAuthenticationIsRetryable503() {
        TestClient.Response r = new TestClient(api.port(), "sk-during-outage").get("/v1/checkpoints/run-1/latest");

        assertThat(r.status()).as(new String(r.body())).isEqualTo(503);
        assertThat(r.header("x-should-retry")).isEqualTo("true");
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("storage_unavailable");
    }
}
