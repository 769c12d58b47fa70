package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;

/** The README quickstart as code: what a user does with curl against a running server. */
final class ServerRoundTrip {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String key;

    ServerRoundTrip(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    HttpResponse<byte[]> call(String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .method(method, jsonBody == null ? BodyPublishers.noBody() : BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), BodyHandlers.ofByteArray());
    }

    JsonNode json(String method, String path, String jsonBody, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = call(method, path, jsonBody);
        assertThat(response.statusCode()).as(method + " " + path + ": " + new String(response.body())).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    /** Saves two checkpoints in {@code thread} and returns the id of the second. */
    String saveTwo(String thread) throws IOException, InterruptedException {
        json("POST", "/v1/checkpoints/" + thread, "{\"state_json\": {\"step\": 1}, \"label\": \"first\"}", 201);
        JsonNode second = json("POST", "/v1/checkpoints/" + thread, "{\"state_json\": {\"step\": 2}, \"tags\": [\"t\"]}", 201);
        assertThat(second.get("sequence").asLong()).isEqualTo(2);
        return second.get("id").asText();
    }

    /** Everything saved by {@link #saveTwo} is there and loads exactly. */
    void assertTwoSaved(String thread, String latestId) throws IOException, InterruptedException {
        JsonNode list = json("GET", "/v1/checkpoints/" + thread, null, 200);
        assertThat(list.get("data")).hasSize(2);
        assertThat(list.get("data").get(0).get("label").asText()).isEqualTo("first");
        assertThat(json("GET", "/v1/checkpoints/" + thread + "/latest", null, 200).get("id").asText()).isEqualTo(latestId);
        HttpResponse<byte[]> state = call("GET", "/v1/checkpoints/" + thread + "/" + latestId + "/state", null);
        assertThat(new String(state.body())).isEqualTo("{\"step\":2}");
        assertThat(json("GET", "/v1/checkpoints", null, 200).get("data").findValuesAsText("id")).contains(thread);
    }
}
