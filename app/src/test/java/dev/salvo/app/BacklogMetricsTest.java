package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestTemplateInput;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /metrics shows what waits: batches near or past their deadline and pending requests per model and window. */
class BacklogMetricsTest {

    @Test
    void pendingRequestsAndAtRiskBatchesAreScraped() throws Exception {
        SalvoConfig config = SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, "memory")
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.AUTH_KEYS, "ops:sk-ops")
                .set(ConfigKeys.DAEMON_ENABLED, "false")
                .set(ConfigKeys.BATCH_COMPLETION_WINDOWS, "24h,1h")
                .build();
        try (SalvoServer server = SalvoServer.start(config)) {
            BatchStorage storage = server.port(BatchStorage.class);
            storage.createBatch(BatchInput.of(file(storage, "echo", 5), "/v1/chat/completions", "1h"));
            storage.createBatch(BatchInput.of(file(storage, "echo", 3), "/v1/chat/completions", "24h"));
            storage.createBatch(BatchInput.of(file(storage, "other", 2), "/v1/chat/completions", "24h"));

            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

            assertThat(scrape).contains("salvo_batches_at_risk 1.0")
                    .contains("salvo_batches_missed_deadline 0.0")
                    .contains("salvo_requests_pending{model=\"echo\",within=\"1h\"} 5.0")
                    .contains("salvo_requests_pending{model=\"echo\",within=\"24h\"} 8.0")
                    .contains("salvo_requests_pending{model=\"echo\",within=\"7d\"} 8.0")
                    .contains("salvo_requests_pending{model=\"other\",within=\"1h\"} 0.0")
                    .contains("salvo_requests_pending{model=\"other\",within=\"24h\"} 2.0");
        }
    }

    private static FileId file(BatchStorage storage, String model, int n) {
        List<RequestTemplateInput> templates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            templates.add(new RequestTemplateInput(model + "-" + i, "", "POST", "/v1/chat/completions",
                    "{\"model\":\"" + model + "\",\"messages\":[]}", model, ""));
        }
        return storage.createFile(model + ".jsonl", null, templates);
    }
}
