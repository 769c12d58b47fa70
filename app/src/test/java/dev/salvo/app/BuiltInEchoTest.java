package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestTemplateInput;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A fresh install's default configuration runs a batch end to end offline, against the built-in echo model. */
class BuiltInEchoTest {

    @Test
    void theDefaultEchoModelCompletesABatchWithNoModelServer() throws Exception {
        SalvoConfig config = SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, "memory")
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.AUTH_KEYS, "ops:sk-ops")
                .build();
        try (SalvoServer server = SalvoServer.start(config)) {
            assertThat(server.daemon()).isPresent();
            BatchStorage storage = server.port(BatchStorage.class);
            List<RequestTemplateInput> templates = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                templates.add(new RequestTemplateInput("q-" + i, "", "POST", "/v1/chat/completions",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + i + "\"}]}", "echo", ""));
            }
            templates.add(new RequestTemplateInput("emb", "", "POST", "/v1/embeddings",
                    "{\"model\":\"echo\",\"input\":[\"a\",\"b\"]}", "echo", ""));
            FileId file = storage.createFile("echo.jsonl", null, templates);
            Batch batch = storage.createBatch(BatchInput.of(file, "/v1/chat/completions", "1h"));

            long deadline = System.nanoTime() + 30_000_000_000L;
            Batch current = storage.getBatch(batch.id());
            while (current.status() != OpenAiBatchStatus.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(20);
                current = storage.getBatch(batch.id());
            }
            assertThat(current.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
            assertThat(current.counts().completed()).isEqualTo(51);
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("salvo_daemon_requests_completed_total{model=\"echo\"} 51.0")
                    .contains("salvo_daemon_requests_in_flight{model=\"echo\"}");
            // The finished batch is announced once, by the daemon's next sweep.
            String scrape = metrics.body();
            while (!scrape.contains("salvo_batches_finished_total{status=\"completed\"} 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(scrape).contains("salvo_batches_finished_total{status=\"completed\"} 1.0");
            try (Stream<FileContentItem> output = storage.streamFileContent(current.outputFileId(), 0, null)) {
                List<FileContentItem.OutputLine> lines = output.map(FileContentItem.OutputLine.class::cast).toList();
                assertThat(lines).hasSize(51);
                assertThat(lines).filteredOn(l -> l.customId().equals("q-7")).singleElement()
                        .satisfies(l -> assertThat(l.body()).contains("\"content\":\"hello 7\"").contains("chat.completion")
                                .contains("\"refusal\":null").contains("\"logprobs\":null"));
                assertThat(lines).filteredOn(l -> l.customId().equals("emb")).singleElement()
                        .satisfies(l -> assertThat(l.body()).contains("\"object\":\"embedding\""));
            }
        }
    }
}
