package dev.salvo.app.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in {@code echo} model: an OpenAI-compatible responder served by the Salvo process itself on
 * a loopback port, so a fresh install runs a batch end to end with no model server and no network.
 * Chat completions and completions echo the last user message; embeddings return a small vector derived
 * from the input; responses echo the input text.
 */
public final class EchoUpstream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong();

    private EchoUpstream(HttpServer server) {
        this.server = server;
    }

    public static EchoUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        EchoUpstream echo = new EchoUpstream(server);
        server.createContext("/", echo::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return echo;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            JsonNode request;
            try {
                request = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                respond(exchange, 400, error("the body is not JSON"));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || request == null || !request.isObject()) {
                respond(exchange, 400, error("send a JSON object with POST"));
                return;
            }
            String model = request.path("model").asText("echo");
            ObjectNode body;
            if (path.endsWith("/chat/completions")) {
                body = chat(model, request);
            } else if (path.endsWith("/completions")) {
                body = completion(model, request);
            } else if (path.endsWith("/embeddings")) {
                body = embeddings(model, request);
            } else if (path.endsWith("/responses")) {
                body = response(model, request);
            } else {
                respond(exchange, 404, error("echo serves /v1/chat/completions, /v1/completions, /v1/embeddings and /v1/responses"));
                return;
            }
            respond(exchange, 200, body);
        }
    }

    private ObjectNode chat(String model, JsonNode request) {
        JsonNode messages = request.path("messages");
        String last = messages.isArray() && !messages.isEmpty() ? text(messages.get(messages.size() - 1).path("content")) : "";
        ObjectNode body = header("chatcmpl-echo-", "chat.completion", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        // The fields OpenAI's schema always has, null when unused: the SDKs' types expect them.
        choice.putObject("message").put("role", "assistant").put("content", last).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(body, last);
        return body;
    }

    private ObjectNode completion(String model, JsonNode request) {
        String prompt = text(request.path("prompt"));
        ObjectNode body = header("cmpl-echo-", "text_completion", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("text", prompt).putNull("logprobs").put("finish_reason", "stop");
        usage(body, prompt);
        return body;
    }

    private ObjectNode embeddings(String model, JsonNode request) {
        JsonNode input = request.path("input");
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "list");
        body.put("model", model);
        ArrayNode data = body.putArray("data");
        int index = 0;
        for (JsonNode item : input.isArray() ? input : JSON.createArrayNode().add(input)) {
            ObjectNode embedding = data.addObject();
            embedding.put("object", "embedding").put("index", index++);
            ArrayNode vector = embedding.putArray("embedding");
            int hash = text(item).hashCode();
            for (int i = 0; i < 8; i++) {
                vector.add(((hash >>> (i * 4)) & 0xF) / 15.0);
            }
        }
        body.putObject("usage").put("prompt_tokens", index).put("total_tokens", index);
        return body;
    }

    private ObjectNode response(String model, JsonNode request) {
        String input = text(request.path("input"));
        ObjectNode body = header("resp-echo-", "response", model);
        body.put("status", "completed");
        body.put("output_text", input);
        return body;
    }

    private ObjectNode header(String prefix, String object, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", prefix + ids.incrementAndGet());
        body.put("object", object);
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model);
        return body;
    }

    private static void usage(ObjectNode body, String text) {
        int tokens = text.isBlank() ? 0 : text.strip().split("\\s+").length;
        body.putObject("usage").put("prompt_tokens", tokens).put("completion_tokens", tokens).put("total_tokens", 2 * tokens);
    }

    /** Text of a message content or prompt: a string, or the text parts of an array. */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        StringBuilder out = new StringBuilder();
        if (node.isArray()) {
            for (JsonNode part : node) {
                out.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
            }
        }
        return out.toString();
    }

    private static ObjectNode error(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param").putNull("code");
        return body;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
