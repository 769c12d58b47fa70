package dev.salvo.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.support.RouteTable;
import dev.salvo.storage.memory.checkpoint.MemoryCheckpointStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckpointApiTest {

    private static final int MAX_STATE = 4096;

    private MemoryCheckpointStore store;
    private HttpApi api;
    private TestClient alice;
    private TestClient bob;

    @BeforeEach
    void start() {
        store = new MemoryCheckpointStore();
        HashedApiKeys keys = new HashedApiKeys(List.of(
                HashedApiKeys.forKey("sk-alice", new Principal("alice", false)),
                HashedApiKeys.forKey("sk-bob", new Principal("bob", false))));
        api = HttpApi.create(new HttpApiSettings("127.0.0.1", 0, MAX_STATE, 0), keys, store, Clock.systemUTC()).start();
        alice = new TestClient(api.port(), "sk-alice");
        bob = alice.as("sk-bob");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** No thread of either tenant of this test exists. */
    private void assertNothingStored() {
        assertThat(store.listThreads("alice")).isEmpty();
        assertThat(store.listThreads("bob")).isEmpty();
    }

    private static void assertError(TestClient.Response r, int status, String code) {
        assertThat(r.status()).as(new String(r.body())).isEqualTo(status);
        JsonNode error = r.json().get("error");
        assertThat(error).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code")).isTrue();
        assertThat(error.get("message").asText()).isNotBlank();
        if (code != null) {
            assertThat(error.get("code").asText()).isEqualTo(code);
        }
    }

    @Test
    void savesListsLoadsAndDeletesCheckpoints() {
        TestClient.Response first = alice.post("/v1/checkpoints/run-1",
                "{\"state_json\": {\"messages\": [\"hi\"]}, \"label\": \"start\", \"tags\": [\"a\"], \"custom\": {\"k\": \"v\"}}");
        assertThat(first.status()).as(new String(first.body())).isEqualTo(201);
        JsonNode c1 = first.json();
        assertThat(c1.get("object").asText()).isEqualTo("checkpoint");
        assertThat(c1.get("thread_id").asText()).isEqualTo("run-1");
        assertThat(c1.get("step").asLong()).isEqualTo(1);
        assertThat(c1.get("parent_id").isNull()).isTrue();
        assertThat(c1.get("sequence").asLong()).isEqualTo(1);
        assertThat(c1.get("label").asText()).isEqualTo("start");
        assertThat(c1.get("custom").get("k").asText()).isEqualTo("v");
        assertThat(c1.get("created_at").asLong()).isGreaterThan(1_700_000_000L);

        byte[] binary = {0, 1, 2, (byte) 255, 10, 13};
        JsonNode c2 = alice.post("/v1/checkpoints/run-1",
                "{\"state\": \"" + Base64.getEncoder().encodeToString(binary) + "\"}").json();
        assertThat(c2.get("parent_id").asText()).isEqualTo(c1.get("id").asText());
        assertThat(c2.get("step").asLong()).isEqualTo(2);
        assertThat(c2.get("state_size").asLong()).isEqualTo(binary.length);
        assertThat(c2.get("label").isNull()).isTrue();

        assertThat(alice.get("/v1/checkpoints/run-1/" + c1.get("id").asText() + "/state").body())
                .isEqualTo("{\"messages\":[\"hi\"]}".getBytes());
        TestClient.Response latestState = alice.get("/v1/checkpoints/run-1/latest/state");
        assertThat(latestState.body()).isEqualTo(binary);
        assertThat(latestState.header("content-type")).startsWith("application/octet-stream");
        assertThat(alice.get("/v1/checkpoints/run-1/latest").json().get("id").asText()).isEqualTo(c2.get("id").asText());
        assertThat(alice.get("/v1/checkpoints/run-1/count").json().get("count").asLong()).isEqualTo(2);
        assertThat(alice.get("/v1/checkpoints/run-1/" + c2.get("id").asText()).json()).isEqualTo(c2);

        JsonNode list = alice.get("/v1/checkpoints/run-1").json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data")).hasSize(2);
        assertThat(list.get("first_id").asText()).isEqualTo(c1.get("id").asText());
        assertThat(list.get("has_more").asBoolean()).isFalse();
        JsonNode threads = alice.get("/v1/checkpoints").json();
        assertThat(threads.get("data").get(0).get("id").asText()).isEqualTo("run-1");

        TestClient.Response deleted = alice.delete("/v1/checkpoints/run-1/" + c1.get("id").asText());
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertError(alice.delete("/v1/checkpoints/run-1/" + c1.get("id").asText()), 404, "checkpoint_not_found");
        assertThat(alice.delete("/v1/checkpoints/run-1").json().get("deleted").asBoolean()).isTrue();
        assertError(alice.get("/v1/checkpoints/run-1/latest"), 404, "thread_not_found");
        assertError(alice.delete("/v1/checkpoints/run-1"), 404, "thread_not_found");
        assertThat(alice.get("/v1/checkpoints/run-1/count").json().get("count").asLong()).isZero();
        assertNothingStored();
    }

    @Test
    void principalsNeverSeeEachOthersThreads() {
        String id = alice.post("/v1/checkpoints/shared-name", "{\"state_json\": \"alice's secret\"}").json().get("id").asText();
        assertError(bob.get("/v1/checkpoints/shared-name/" + id), 404, null);
        assertError(bob.get("/v1/checkpoints/shared-name/" + id + "/state"), 404, null);
        assertError(bob.get("/v1/checkpoints/shared-name/latest"), 404, null);
        assertError(bob.delete("/v1/checkpoints/shared-name/" + id), 404, null);
        assertError(bob.delete("/v1/checkpoints/shared-name"), 404, null);
        assertThat(bob.get("/v1/checkpoints/shared-name").json().get("data")).isEmpty();
        assertThat(bob.get("/v1/checkpoints").json().get("data")).isEmpty();
        assertThat(bob.get("/v1/checkpoints/shared-name/count").json().get("count").asLong()).isZero();

        bob.post("/v1/checkpoints/shared-name", "{\"state_json\": \"bob's\"}");
        assertThat(alice.get("/v1/checkpoints/shared-name/latest/state").body()).isEqualTo("\"alice's secret\"".getBytes());
        assertThat(bob.get("/v1/checkpoints/shared-name/latest/state").body()).isEqualTo("\"bob's\"".getBytes());
        assertThat(alice.get("/v1/checkpoints/shared-name/count").json().get("count").asLong()).isEqualTo(1);
    }

    @Test
    void missingOrWrongKeysAre401() {
        assertError(alice.as(null).get("/v1/checkpoints"), 401, "missing_api_key");
        assertError(alice.as("sk-wrong").get("/v1/checkpoints"), 401, "invalid_api_key");
        assertError(alice.send(alice.as(null).builder("/v1/checkpoints").header("Authorization", "Basic c2stYWxpY2U=").GET()),
                401, "invalid_api_key");
        assertError(alice.as(null).post("/v1/checkpoints/t", "{\"state_json\": 1}"), 401, "missing_api_key");
        assertNothingStored();
    }

    @Test
    void healthReadinessAndOpenApiNeedNoKey() {
        TestClient anonymous = alice.as(null);
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/readyz").json().get("status").asText()).isEqualTo("ready");
        JsonNode openApi = anonymous.get("/openapi.json").json();
        assertThat(openApi.get("openapi").asText()).startsWith("3.");
        assertError(anonymous.get("/nope"), 404, "unknown_url");
    }

    @Test
    void badInputIsRejectedAndStoresNothing() {
        assertError(alice.post("/v1/checkpoints/t", "{not json"), 400, "invalid_json");
        assertError(alice.post("/v1/checkpoints/t", "[1, 2]"), 400, "invalid_json");
        assertError(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"unknown_field\": 2}"), 400, "invalid_json");
        assertError(alice.post("/v1/checkpoints/t", "{\"label\": \"no state\"}"), 400, "invalid_value");
        assertError(alice.post("/v1/checkpoints/t", "{\"state\": \"AA==\", \"state_json\": 1}"), 400, "invalid_value");
        assertError(alice.post("/v1/checkpoints/t", "{\"state\": \"***\"}"), 400, "invalid_value");
        assertError(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"step\": -1}"), 400, "invalid_value");
        assertError(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"id\": \"../x\"}"), 400, "invalid_id");
        assertError(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"id\": \"latest\"}"), 400, "invalid_id");
        assertError(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"label\": \"nul\\u0000\"}"), 400, "invalid_value");
        assertError(alice.post("/v1/checkpoints/" + "x".repeat(65), "{\"state_json\": 1}"), 400, "invalid_id");
        assertError(alice.post("/v1/checkpoints/sp%20ace", "{\"state_json\": 1}"), 400, "invalid_id");
        assertError(alice.get("/v1/checkpoints/t?limit=0"), 400, "invalid_value");
        assertError(alice.get("/v1/checkpoints/t?order=sideways"), 400, "invalid_value");
        assertError(alice.get("/v1/checkpoints/t/..%2F..%2Fetc"), 400, null);
        assertError(alice.get("/v1/checkpoints/%2e%2e/latest"), 400, null);
        byte[] big = new byte[MAX_STATE + 1];
        assertError(alice.post("/v1/checkpoints/t", "{\"state\": \"" + Base64.getEncoder().encodeToString(big) + "\"}"),
                413, "payload_too_large");
        assertNothingStored();
    }

    @Test
    void aRepeatedClientIdIsAConflictThatSaysDoNotRetry() {
        assertThat(alice.post("/v1/checkpoints/t", "{\"state_json\": 1, \"id\": \"step-1\"}").status()).isEqualTo(201);
        TestClient.Response again = alice.post("/v1/checkpoints/t", "{\"state_json\": 2, \"id\": \"step-1\"}");
        assertError(again, 409, "checkpoint_exists");
        assertThat(again.header("x-should-retry")).isEqualTo("false");
        assertThat(alice.get("/v1/checkpoints/t/step-1/state").body()).isEqualTo("1".getBytes());
    }

    @Test
    void listsPageWithAfterInBothOrders() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(alice.post("/v1/checkpoints/t", "{\"state_json\": " + i + "}").json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        boolean more = true;
        while (more) {
            JsonNode page = alice.get("/v1/checkpoints/t?limit=3&order=desc" + (after == null ? "" : "&after=" + after)).json();
            page.get("data").forEach(c -> seen.add(c.get("id").asText()));
            more = page.get("has_more").asBoolean();
            after = page.get("last_id").asText();
        }
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        JsonNode ascending = alice.get("/v1/checkpoints/t?limit=2&after=" + ids.get(4)).json();
        assertThat(ascending.get("data")).hasSize(2);
        assertThat(ascending.get("has_more").asBoolean()).isFalse();
        assertThat(ascending.get("data").get(0).get("id").asText()).isEqualTo(ids.get(5));
        assertError(alice.get("/v1/checkpoints/t?after=unknown"), 404, "checkpoint_not_found");

        for (String thread : List.of("b", "a", "c")) {
            alice.post("/v1/checkpoints/" + thread, "{\"state_json\": 0}");
        }
        JsonNode threads = alice.get("/v1/checkpoints?limit=2&after=a").json();
        assertThat(threads.get("data").findValuesAsText("id")).containsExactly("b", "c");
        assertThat(threads.get("has_more").asBoolean()).isTrue();
    }
}
