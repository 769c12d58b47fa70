package dev.salvo.app.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.salvo.app.SalvoServer;
import dev.salvo.app.cli.Main;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code salvo batch} end to end, through picocli as a user runs it, against a real server started here:
 * filesystem store in a temporary directory, development-mode key, the built-in echo model, and a
 * {@code slow} model served by this test (requests mentioning "fail" get a 400, those mentioning "hold"
 * wait until the test lets them go).
 */
class BatchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-salvo-dev";

    @TempDir
    static Path dataDir;

    private static SalvoServer server;
    private static HttpServer slowUpstream;
    private static volatile CountDownLatch held = new CountDownLatch(1);
    private static String url;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws IOException {
        slowUpstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        slowUpstream.createContext("/", BatchCommandTest::slowModel);
        slowUpstream.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        slowUpstream.start();
        server = SalvoServer.start(SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, "filesystem")
                .set(ConfigKeys.DATA_DIR, dataDir.toString())
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.MODELS, "echo,slow")
                .set(ConfigKeys.MODELS + ".slow.base-url", "http://127.0.0.1:" + slowUpstream.getAddress().getPort())
                .set(ConfigKeys.DAEMON_CANCELLATION_POLL, "200ms")
                .set(ConfigKeys.DAEMON_SHUTDOWN_GRACE, "1s")
                .build());
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        held.countDown();
        if (server != null) {
            server.close();
        }
        if (slowUpstream != null) {
            slowUpstream.stop(0);
        }
    }

    private static void slowModel(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String answer = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"slow\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
            if (body.contains("fail")) {
                status = 400;
                answer = "{\"error\":{\"message\":\"refused on purpose\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
            } else if (body.contains("hold")) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run salvo(String... args) {
        return salvo(new StringWriter(), args);
    }

    /** Runs {@code salvo ARGS}; {@code out} may be watched while it runs. */
    private static Run salvo(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path requests(String name, int n, String model, String url, String content) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"custom_id\":\"req-" + i + "\",\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + " " + i + "\"}]}}");
        }
        return Files.write(work.resolve(name), lines);
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> customIds(List<String> jsonl) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : jsonl) {
            ids.add(JSON.readTree(line).path("custom_id").asText());
        }
        return ids;
    }

    @Test
    void submitWaitsForTheBatchAndDownloadsItsResults() throws Exception {
        Path input = requests("fifty.jsonl", 50, "echo", "/v1/chat/completions", "hello");
        Path outDir = work.resolve("results");

        Run submit = salvo("batch", "submit", input.toString(), "--url", url, "--api-key", KEY, "--wait", "--output",
                outDir.toString(), "--poll-interval", "100ms", "--metadata", "project=cli-test");

        assertThat(submit.exit()).as(submit.err()).isZero();
        assertThat(submit.out()).matches("batch_[0-9a-f-]+\\n");
        String id = submit.out().strip();
        assertThat(submit.err()).contains("uploading fifty.jsonl").contains("50/50 done, 0 failed")
                .contains("batch " + id + " completed after").doesNotContain("\r").doesNotContain(KEY);
        List<String> output = Files.readAllLines(outDir.resolve(id + "_output.jsonl"));
        assertThat(output).hasSize(50);
        List<String> ids = customIds(output);
        assertThat(ids).doesNotHaveDuplicates().hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(ids).contains("req-" + i);
        }
        JsonNode first = JSON.readTree(output.getFirst());
        assertThat(first.path("response").path("status_code").asInt()).isEqualTo(200);
        assertThat(first.path("id").asText()).startsWith("batch_req_");
        assertThat(Files.readAllLines(outDir.resolve(id + "_error.jsonl"))).isEmpty();

        Run results = salvo("batch", "results", id, "--url", url, "--api-key", KEY);
        assertThat(results.exit()).as(results.err()).isZero();
        assertThat(results.out().lines().toList()).isEqualTo(output);

        Path file = work.resolve("copy/out.jsonl");
        Run toFile = salvo("batch", "results", id, "-o", file.toString(), "--url", url, "--api-key", KEY);
        assertThat(toFile.exit()).as(toFile.err()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(toFile.err()).contains("wrote 50 lines to");
        assertThat(Files.readAllLines(file)).isEqualTo(output);

        Run errors = salvo("batch", "results", id, "--errors", "--url", url + "/v1/", "--api-key", KEY);
        assertThat(errors.exit()).as(errors.err()).isZero();
        assertThat(errors.out()).isEmpty();

        Run status = salvo("batch", "status", id, "--url", url, "--api-key", KEY);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).isEqualTo(id + "  completed  50/50 done, 0 failed\n");

        Run statusJson = salvo("batch", "status", id, "--json", "--url", url, "--api-key", KEY);
        JsonNode batch = JSON.readTree(statusJson.out());
        assertThat(batch.path("status").asText()).isEqualTo("completed");
        assertThat(batch.path("endpoint").asText()).isEqualTo("/v1/chat/completions");
        assertThat(batch.path("metadata").path("project").asText()).isEqualTo("cli-test");

        Run cancel = salvo("batch", "cancel", id, "--url", url, "--api-key", KEY);
        assertThat(cancel.exit()).isEqualTo(ExitCodes.SERVER_REFUSED);
        assertThat(cancel.err()).contains("error: Cannot cancel a batch with status 'completed'.")
                .contains("HTTP 400").contains("code: invalid_state");

        Run list = salvo("batch", "list", "--url", url, "--api-key", KEY);
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(id + "  completed  50/50 done");
    }

    @Test
    void withoutWaitTheIdIsPrintedAndTheEndpointComesFromTheFile() throws Exception {
        Path input = requests("emb.jsonl", 3, "echo", "/v1/embeddings", "embed me");

        Run submit = salvo("batch", "submit", input.toString(), "--url", url, "--api-key", KEY, "--json");

        assertThat(submit.exit()).as(submit.err()).isZero();
        JsonNode batch = JSON.readTree(submit.out());
        assertThat(batch.path("endpoint").asText()).isEqualTo("/v1/embeddings");
        assertThat(batch.path("request_counts").path("total").asLong()).isEqualTo(3);
        assertThat(batch.path("completion_window").asText()).isEqualTo("24h");
    }

    @Test
    void failedRequestsAreCountedAndTheirErrorsFetched() throws Exception {
        Path input = requests("mixed.jsonl", 4, "slow", "/v1/chat/completions", "fail");
        Files.writeString(input, "{\"custom_id\":\"fine\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"slow\",\"messages\":[]}}\n", java.nio.file.StandardOpenOption.APPEND);

        Run submit = salvo("batch", "submit", input.toString(), "--url", url, "--api-key", KEY, "--wait",
                "--poll-interval", "100ms", "--progress", "lines");

        assertThat(submit.exit()).as(submit.err()).isZero(); // completed, some of its requests failed: as with OpenAI
        String id = submit.out().strip();
        assertThat(submit.err()).contains("5/5 done, 4 failed").contains("1 completed, 4 failed of 5")
                .contains("salvo batch results " + id + " --errors");
        Run errors = salvo("batch", "results", id, "--errors", "--url", url, "--api-key", KEY);
        assertThat(errors.exit()).isZero();
        List<String> lines = errors.out().lines().toList();
        assertThat(customIds(lines)).containsExactlyInAnyOrder("req-0", "req-1", "req-2", "req-3");
        assertThat(JSON.readTree(lines.getFirst()).path("response").path("status_code").asInt()).isEqualTo(400);
    }

    @Test
    void aBatchCancelledWhileWaitingExitsNonZero() throws Exception {
        held = new CountDownLatch(1);
        Path input = requests("held.jsonl", 3, "slow", "/v1/chat/completions", "hold");
        StringWriter liveOut = new StringWriter();
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(() -> salvo(liveOut, "batch", "submit", input.toString(),
                "--url", url, "--api-key", KEY, "--wait", "--poll-interval", "100ms"));
        String id = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (id == null && System.nanoTime() < deadline && !waiting.isDone()) {
            String printed = liveOut.toString();
            if (printed.endsWith("\n")) {
                id = printed.strip();
            }
            Thread.sleep(20);
        }
        assertThat(id).as("submit: %s", waiting.isDone() ? waiting.join() : "still running").isNotNull();

        Run cancel = salvo("batch", "cancel", id, "--url", url, "--api-key", KEY);
        held.countDown();

        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(cancel.out()).startsWith(id + "  cancell");
        Run waited = waiting.get(60, TimeUnit.SECONDS);
        assertThat(waited.exit()).as(waited.err()).isEqualTo(ExitCodes.NOT_COMPLETED);
        assertThat(waited.out().strip()).isEqualTo(id);
        assertThat(waited.err()).contains("batch " + id + " cancelled after");
    }

    @Test
    void aMalformedFileIsRefusedWithTheLineAndNothingIsCreated() throws Exception {
        Path input = requests("bad.jsonl", 5, "echo", "/v1/chat/completions", "x");
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        lines.set(2, "{\"custom_id\": \"req-2\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"model\": ");
        Files.write(input, lines);
        int filesBefore = get("/v1/files").path("data").size();
        int batchesBefore = get("/v1/batches?limit=100").path("data").size();

        Run submit = salvo("batch", "submit", input.toString(), "--url", url, "--api-key", KEY, "--wait");

        assertThat(submit.exit()).isEqualTo(ExitCodes.SERVER_REFUSED);
        assertThat(submit.out()).isEmpty();
        assertThat(submit.err()).contains("error: Line 3: not valid JSON").contains("code: invalid_json_line")
                .contains("param: file");
        assertThat(get("/v1/files").path("data").size()).isEqualTo(filesBefore);
        assertThat(get("/v1/batches?limit=100").path("data").size()).isEqualTo(batchesBefore);
    }

    @Test
    void aRefusedBatchLeavesNoUploadedFileBehind() throws Exception {
        Path input = requests("chat.jsonl", 2, "echo", "/v1/chat/completions", "x");
        int filesBefore = get("/v1/files").path("data").size();

        Run submit = salvo("batch", "submit", input.toString(), "--endpoint", "/v1/embeddings", "--url", url, "--api-key", KEY);

        assertThat(submit.exit()).isEqualTo(ExitCodes.SERVER_REFUSED);
        assertThat(submit.err()).contains("code: mismatched_endpoint");
        assertThat(get("/v1/files").path("data").size()).isEqualTo(filesBefore);
    }

    @Test
    void aWrongApiKeyIsAClearErrorAndTheKeyIsNotShown() throws Exception {
        Path input = requests("few.jsonl", 2, "echo", "/v1/chat/completions", "x");

        Run submit = salvo("batch", "submit", input.toString(), "--url", url, "--api-key", "sk-wrong-secret-123");
        Run status = salvo("batch", "status", "batch_00000000-0000-0000-0000-000000000000", "--url", url,
                "--api-key", "sk-wrong-secret-123");

        for (Run run : List.of(submit, status)) {
            assertThat(run.exit()).isEqualTo(ExitCodes.SERVER_REFUSED);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).contains("error: Incorrect API key provided.").contains("HTTP 401")
                    .doesNotContain("sk-wrong-secret-123");
        }
    }

    @Test
    void anUnknownBatchIsNotFound() {
        Run status = salvo("batch", "results", "batch_00000000-0000-0000-0000-000000000000", "--url", url, "--api-key", KEY);
        assertThat(status.exit()).isEqualTo(ExitCodes.SERVER_REFUSED);
        assertThat(status.err()).contains("error: No such batch").contains("HTTP 404");
    }

    @Test
    void aServerThatIsNotRunningIsAConnectionError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path input = requests("few.jsonl", 2, "echo", "/v1/chat/completions", "x");

        Run submit = salvo("batch", "submit", input.toString(), "--url", "http://127.0.0.1:" + port, "--api-key", KEY);
        Run status = salvo("batch", "status", "batch_x", "--url", "http://127.0.0.1:" + port, "--api-key", KEY);

        for (Run run : List.of(submit, status)) {
            assertThat(run.exit()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(run.err()).contains("error: cannot connect to http://127.0.0.1:" + port);
        }
    }

    @Test
    void usageErrorsHaveTheirOwnExitCode() {
        Run missingFile = salvo("batch", "submit", work.resolve("nope.jsonl").toString(), "--url", url, "--api-key", KEY);
        assertThat(missingFile.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingFile.err()).contains("error: cannot read").contains("no such file");

        Run badUrl = salvo("batch", "status", "batch_x", "--url", "ftp://example.com", "--api-key", KEY);
        assertThat(badUrl.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("--url must be an http:// or https:// URL");

        Run noArgument = salvo("batch", "results");
        assertThat(noArgument.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noArgument.err()).contains("Missing required parameter: 'BATCH_ID'");

        Run noSubcommand = salvo("batch");
        assertThat(noSubcommand.exit()).isEqualTo(ExitCodes.USAGE);

        Run badMetadata = salvo("batch", "submit", "f.jsonl", "--metadata", "novalue");
        assertThat(badMetadata.exit()).isEqualTo(ExitCodes.USAGE);
    }
}
