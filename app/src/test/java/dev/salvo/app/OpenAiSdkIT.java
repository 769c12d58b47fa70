package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvo.daemon.testing.TestUpstream;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real client: the official {@code openai} npm package (pinned in {@code e2e/openai-sdk/package-lock.json})
 * drives a real {@code salvo serve} process through uploads, batches, downloads, paginated lists, a
 * cancellation and error paths ({@code e2e/openai-sdk/batch-flow.mjs}), on the filesystem and the
 * PostgreSQL store. The models point at a scripted {@link TestUpstream}; the script's expectations are
 * written down at the top of batch-flow.mjs and implemented by {@link #answer}.
 *
 * <p>Needs {@code node} (20 or newer) and {@code npm} on the PATH; without them the test is skipped, or
 * fails when {@code SALVO_REQUIRE_NODE_E2E=1} (as in CI).
 */
class OpenAiSdkIT {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String API_KEY = "sk-e2e-sdk-0123456789";
    private static final String OTHER_API_KEY = "sk-e2e-other-0123456789";
    private static final String FAST_MODEL = "gen";
    private static final String SLOW_MODEL = "slow";
    private static final Duration SLOW_LATENCY = Duration.ofSeconds(10);
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** openai 6.x uses globals (File, fetch with streaming bodies) that Node 18 lacks. */
    private static final int MIN_NODE_MAJOR = 20;

    private static Path sdkDir;
    /** Why the tests cannot run here (no usable node/npm), or null. */
    private static String notRun;

    private TestUpstream upstream;

    @BeforeAll
    static void nodeAndTheSdk() throws Exception {
        notRun = null;
        boolean required = "1".equals(System.getenv("SALVO_REQUIRE_NODE_E2E"));
        String nodeVersion = output("node", "--version");
        String npmVersion = output("npm", "--version");
        String missing = null;
        if (nodeVersion == null || npmVersion == null) {
            missing = (nodeVersion == null ? "node" : "") + (nodeVersion == null && npmVersion == null ? " and " : "")
                    + (npmVersion == null ? "npm" : "") + " not found on the PATH";
        } else if (major(nodeVersion) < MIN_NODE_MAJOR) {
            missing = "node " + nodeVersion + " is too old (the pinned openai package needs " + MIN_NODE_MAJOR + " or newer)";
        }
        if (missing != null) {
            String message = "OpenAiSdkIT NOT RUN: " + missing + ". The end-to-end test with the official openai npm package "
                    + "needs Node.js >= " + MIN_NODE_MAJOR + " and npm (SALVO_REQUIRE_NODE_E2E=1 makes this a failure).";
            if (required) {
                fail(message.replace("NOT RUN", "FAILED") + " SALVO_REQUIRE_NODE_E2E=1 is set.");
            }
            System.err.println("\n**********\n* " + message + "\n**********\n");
            notRun = message; // each test aborts with it, so the run reports them as skipped, with the reason
            return;
        }
        System.out.println("[OpenAiSdkIT] node " + nodeVersion + ", npm " + npmVersion);
        sdkDir = locateSdkDir();
        if (!sdkInstalled(sdkDir)) {
            System.out.println("[OpenAiSdkIT] npm ci in " + sdkDir);
            int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), sdkDir, Map.of(), "npm", Duration.ofMinutes(5));
            assertThat(exit).as("npm ci in " + sdkDir).isZero();
        }
        assertThat(sdkInstalled(sdkDir)).as("the openai package of package-lock.json is installed in " + sdkDir).isTrue();
    }

    @BeforeEach
    void startUpstream() throws IOException {
        Assumptions.assumeTrue(notRun == null, () -> notRun);
        upstream = TestUpstream.start().script(OpenAiSdkIT::answer);
    }

    @AfterEach
    void stopUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @ParameterizedTest(name = "{0} store")
    @ValueSource(strings = {"filesystem", "postgres"})
    void theOfficialNodeSdkRunsTheWholeBatchFlow(String store, @TempDir Path workDir) throws Exception {
        long started = System.nanoTime();
        Map<String, String> env = new HashMap<>();
        env.put("SALVO_MODELS", FAST_MODEL + "," + SLOW_MODEL);
        env.put("SALVO_MODELS_GEN_BASE_URL", upstream.baseUrl().toString());
        env.put("SALVO_MODELS_GEN_CONCURRENCY", "8");
        env.put("SALVO_MODELS_SLOW_BASE_URL", upstream.baseUrl().toString());
        env.put("SALVO_MODELS_SLOW_CONCURRENCY", "2");
        env.put("SALVO_AUTH_KEYS", "e2e:" + API_KEY + ",other:" + OTHER_API_KEY);
        env.put("SALVO_DAEMON_CANCELLATION_POLL_INTERVAL", "300ms");
        env.put("SALVO_DAEMON_SHUTDOWN_GRACE", "1s");
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--storage", store));
        if (store.equals("postgres")) {
            TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
            env.put("SALVO_STORAGE_POSTGRES_URL", database.jdbcUrl());
            env.put("SALVO_STORAGE_POSTGRES_USER", database.username());
            env.put("SALVO_STORAGE_POSTGRES_PASSWORD", database.password() == null ? "" : database.password());
        } else {
            args.addAll(List.of("--data-dir", workDir.resolve("data").toString()));
        }

        try (SalvoProcess salvo = SalvoProcess.start(workDir, env, args.toArray(String[]::new))) {
            String port = salvo.await(LISTENING);
            assertThat(port).as("salvo serve did not start:\n" + salvo.output()).isNotNull();
            long serving = System.nanoTime();

            Map<String, String> nodeEnv = new HashMap<>();
            nodeEnv.put("SALVO_BASE_URL", "http://127.0.0.1:" + port + "/v1");
            nodeEnv.put("SALVO_API_KEY", API_KEY);
            nodeEnv.put("SALVO_OTHER_API_KEY", OTHER_API_KEY);
            nodeEnv.put("E2E_MODEL", FAST_MODEL);
            nodeEnv.put("E2E_SLOW_MODEL", SLOW_MODEL);
            nodeEnv.put("E2E_REQUESTS", "48");
            nodeEnv.put("E2E_REJECT_EVERY", "7");
            nodeEnv.put("E2E_TIMEOUT_SECONDS", "60");
            nodeEnv.put("E2E_POLL_MS", "150");
            int exit = run(List.of("node", "batch-flow.mjs"), sdkDir, nodeEnv, "node " + store, NODE_TIMEOUT);
            long flowDone = System.nanoTime();
            if (exit != 0) {
                System.out.println("[OpenAiSdkIT] salvo serve (" + store + ") printed:\n" + salvo.output());
            }
            assertThat(exit).as("batch-flow.mjs against salvo serve on the " + store + " store (its output is in the test log)")
                    .isZero();
            salvo.stop();
            System.out.printf("[OpenAiSdkIT] %s store: salvo started in %.1f s, the SDK flow took %.1f s, %d upstream calls%n",
                    store, (serving - started) / 1e9, (flowDone - serving) / 1e9, upstream.calls().size());
        }
    }

    /**
     * The scripted upstream, as batch-flow.mjs expects it: a custom_id containing {@code -reject-} gets a 400
     * in OpenAI's error envelope; anything else a chat completion that echoes the request body as received
     * (field {@code echo}); the slow model answers the same after {@link #SLOW_LATENCY}.
     */
    static TestUpstream.Reply answer(TestUpstream.Call call) {
        try {
            if (call.customId().contains("-reject-")) {
                ObjectNode error = JSON.createObjectNode();
                error.putObject("error")
                        .put("message", "rejected by the test upstream: " + call.customId())
                        .put("type", "invalid_request_error")
                        .putNull("param")
                        .put("code", "test_rejected");
                return new TestUpstream.Reply.Respond(400, JSON.writeValueAsString(error), Duration.ZERO);
            }
            JsonNode request = JSON.readTree(call.body());
            String model = request.path("model").asText("unknown");
            JsonNode messages = request.path("messages");
            String last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1).path("content").asText() : "";
            ObjectNode body = JSON.createObjectNode();
            body.put("id", "chatcmpl-" + call.customId() + "-" + call.attempt());
            body.put("object", "chat.completion");
            body.put("created", 1_700_000_000L);
            body.put("model", model);
            ArrayNode choices = body.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", "echo: " + last);
            choice.put("finish_reason", "stop");
            body.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", 2).put("total_tokens", 5);
            body.putObject("echo").put("custom_id", call.customId()).set("request", request);
            Duration delay = SLOW_MODEL.equals(model) ? SLOW_LATENCY : Duration.ZERO;
            return new TestUpstream.Reply.Respond(200, JSON.writeValueAsString(body), delay);
        } catch (IOException e) {
            return new TestUpstream.Reply.Respond(422, "{\"error\":{\"message\":\"the test upstream could not read the body: "
                    + e.getMessage().replace('"', '\'') + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}",
                    Duration.ZERO);
        }
    }

    /** e2e/openai-sdk at the repository root: found from the jar under test (app/target/salvo.jar), else upwards. */
    private static Path locateSdkDir() {
        List<Path> starts = new ArrayList<>();
        String jar = System.getProperty("salvo.jar");
        if (jar != null) {
            starts.add(Path.of(jar).toAbsolutePath());
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("e2e").resolve("openai-sdk");
                if (Files.isRegularFile(candidate.resolve("batch-flow.mjs"))) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("e2e/openai-sdk/batch-flow.mjs not found above " + starts);
    }

    /** Whether node_modules holds the openai version package-lock.json pins. */
    private static boolean sdkInstalled(Path dir) throws IOException {
        Path installed = dir.resolve("node_modules/openai/package.json");
        if (!Files.isRegularFile(installed)) {
            return false;
        }
        String pinned = JSON.readTree(dir.resolve("package-lock.json").toFile()).path("packages").path("node_modules/openai")
                .path("version").asText();
        return !pinned.isEmpty() && pinned.equals(JSON.readTree(installed.toFile()).path("version").asText());
    }

    /** What the command prints, stripped; null if it cannot be run or fails. */
    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** 20 of "v20.20.2"; 0 if unreadable. */
    private static int major(String version) {
        java.util.regex.Matcher m = Pattern.compile("v?(\\d+)").matcher(version);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Runs a command, its output streamed line by line to the test log; the exit code, or a failure on timeout. */
    private static int run(List<String> command, Path dir, Map<String, String> env, String label, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    System.out.println("[" + label + "] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(2000);
            throw new AssertionError(label + ": " + String.join(" ", command) + " did not finish within " + timeout);
        }
        pump.join(5000);
        return process.exitValue();
    }
}
