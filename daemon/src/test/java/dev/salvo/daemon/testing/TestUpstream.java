package dev.salvo.daemon.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OpenAI-compatible HTTP server on a free loopback port for daemon tests. It answers chat
 * completions by echoing, and a test can script it per call: latency, statuses, dropped connections.
 * It records every call (headers, body, custom id, attempt number).
 */
public final class TestUpstream implements AutoCloseable {

    /** One received call. {@code attempt} counts calls with the same custom id, from 1. */
    public record Call(String method, String path, Map<String, String> headers, String body, String customId, int attempt,
                       long receivedAtNanos) {
    }

    /** What to do with a call. */
    public sealed interface Reply {
        record Respond(int status, String body, Duration delay) implements Reply {
        }

        /** A 200 {@code text/event-stream}: each payload as a {@code data:} event, {@code gap} apart, then [DONE]. */
        record Sse(List<String> payloads, Duration gap) implements Reply {
        }

        /** Close the connection without answering. */
        record Drop() implements Reply {
        }
    }

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    /** Calls received and not yet answered; drops before the answer leaves, so a caller's next call never overlaps it. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger peakUnanswered = new AtomicInteger();
    private volatile Function<Call, Reply> script = call -> echo(call, Duration.ZERO);

    private TestUpstream(HttpServer server) {
        this.server = server;
    }

    public static TestUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        TestUpstream upstream = new TestUpstream(server);
        server.createContext("/", upstream::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return upstream;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public TestUpstream script(Function<Call, Reply> newScript) {
        this.script = newScript;
        return this;
    }

    /** The default answer: 200 with a chat completion that echoes the custom id and model. */
    public static Reply echo(Call call, Duration delay) {
        Matcher m = MODEL.matcher(call.body());
        String model = m.find() ? m.group(1) : "unknown";
        String body = "{\"id\":\"chatcmpl-" + call.customId() + "-" + call.attempt() + "\",\"object\":\"chat.completion\","
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"echo " + call.customId() + "\"},\"finish_reason\":\"stop\"}]}";
        return new Reply.Respond(200, body, delay);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public int callsFor(String customId) {
        AtomicInteger n = attempts.get(customId);
        return n == null ? 0 : n.get();
    }

    /** Calls being answered right now. */
    public int active() {
        return active.get();
    }

    /** The most calls that were ever waiting for their answer at the same moment. */
    public int peakConcurrentCalls() {
        return peakUnanswered.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        active.incrementAndGet();
        peakUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
        boolean answered = false;
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            String customId = headers.getOrDefault("x-salvo-custom-id", "");
            int attempt = attempts.computeIfAbsent(customId, k -> new AtomicInteger()).incrementAndGet();
            Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.copyOf(headers), body,
                    customId, attempt, System.nanoTime());
            calls.add(call);
            Reply reply = script.apply(call);
            if (reply instanceof Reply.Respond r && !r.delay().isZero()) {
                Thread.sleep(r.delay());
            }
            unanswered.decrementAndGet();
            answered = true;
            switch (reply) {
                case Reply.Sse sse -> {
                    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (String payload : sse.payloads()) {
                            if (!sse.gap().isZero()) {
                                Thread.sleep(sse.gap());
                            }
                            out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
                case Reply.Drop d -> {
                    // closing the exchange without response headers drops the connection
                }
                case Reply.Respond r -> {
                    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!answered) {
                unanswered.decrementAndGet();
            }
            active.decrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
