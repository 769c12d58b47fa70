package dev.salvo.app.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * A small client of OpenAI's Files and Batches API on the JDK's HttpClient: what {@code salvo batch}
 * needs, nothing more. Uploads stream from disk and downloads stream to their destination, so a file
 * of any size passes through constant memory. Every failure surfaces as a {@link CliException}: the
 * server's error envelope as {@link CliException.ApiError}, an unreachable or broken connection as
 * {@link CliException.ConnectionFailed}.
 */
public final class OpenAiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** For calls that answer at once; uploads and downloads have no overall timeout (they may take long). */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** How much of an error answer is read and shown. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final HttpClient http;
    private final URI base;
    private final String apiKey;

    /**
     * @param base   the server's root, e.g. {@code http://127.0.0.1:8080} (paths {@code /v1/…} are appended)
     * @param apiKey sent as {@code Authorization: Bearer …}; never printed
     */
    public OpenAiClient(URI base, String apiKey) {
        this.base = Objects.requireNonNull(base, "base");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI base() {
        return base;
    }

    /**
     * {@code POST /v1/files}: a multipart/form-data upload whose file part is streamed from disk. The
     * {@code purpose} field goes first, so a server can refuse it before reading the file.
     */
    public JsonNode uploadFile(Path file, String purpose) {
        String boundary = "salvo-" + HexFormat.of().formatHex(randomBytes(16));
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                + purpose + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + headerSafe(file.getFileName().toString()) + "\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        BodyPublisher content;
        try {
            content = BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new CliException.Usage("cannot read " + file + ": no such file");
        }
        BodyPublisher body = BodyPublishers.concat(
                BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                content,
                BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = request("/v1/files", null)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body)
                .build();
        return json(send(request, BodyHandlers.ofInputStream()));
    }

    /** {@code POST /v1/batches}. */
    public JsonNode createBatch(String inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {
        ObjectNode body = JSON.createObjectNode();
        body.put("input_file_id", inputFileId);
        body.put("endpoint", endpoint);
        body.put("completion_window", completionWindow);
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = body.putObject("metadata");
            metadata.forEach(meta::put);
        }
        return postJson("/v1/batches", body);
    }

    /** {@code GET /v1/batches/{id}}. */
    public JsonNode retrieveBatch(String batchId) {
        return getJson("/v1/batches/" + segment(batchId));
    }

    /** {@code POST /v1/batches/{id}/cancel}. */
    public JsonNode cancelBatch(String batchId) {
        return postJson("/v1/batches/" + segment(batchId) + "/cancel", null);
    }

    /** {@code GET /v1/batches?limit=…}, newest first. */
    public JsonNode listBatches(int limit) {
        return getJson("/v1/batches?limit=" + limit);
    }

    /** {@code DELETE /v1/files/{id}}. */
    public JsonNode deleteFile(String fileId) {
        HttpRequest request = request("/v1/files/" + segment(fileId), CALL_TIMEOUT).DELETE().build();
        return json(send(request, BodyHandlers.ofInputStream()));
    }

    /**
     * {@code GET /v1/files/{id}/content}, as a stream the caller reads and closes.
     * Salvo's {@code X-Salvo-Incomplete: true} says the file is a running batch's results so far.
     */
    public Download fileContent(String fileId) {
        HttpRequest request = request("/v1/files/" + segment(fileId) + "/content", null)
                .header("Accept", "application/jsonl, application/octet-stream, application/json")
                .GET().build();
        HttpResponse<InputStream> response = send(request, BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            throw apiError(response);
        }
        boolean incomplete = response.headers().firstValue("X-Salvo-Incomplete").map("true"::equalsIgnoreCase).orElse(false);
        return new Download(response.body(), incomplete);
    }

    /** A file's bytes as they arrive; {@code incomplete} if the server said more may follow. */
    public record Download(InputStream body, boolean incomplete) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private JsonNode getJson(String path) {
        return json(send(request(path, CALL_TIMEOUT).GET().build(), BodyHandlers.ofInputStream()));
    }

    private JsonNode postJson(String path, JsonNode body) {
        HttpRequest.Builder request = request(path, CALL_TIMEOUT);
        if (body == null) {
            request.POST(BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.POST(BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        return json(send(request.build(), BodyHandlers.ofInputStream()));
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .header("User-Agent", "salvo-cli");
        if (timeout != null) {
            builder.timeout(timeout);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw new CliException.ConnectionFailed("cannot connect to " + base + ": no answer within "
                    + CONNECT_TIMEOUT.toSeconds() + " s. Is the server running? Set --url or SALVO_URL.", e);
        } catch (ConnectException e) {
            throw new CliException.ConnectionFailed("cannot connect to " + base + " (" + reason(e)
                    + "). Is 'salvo serve' running there? Set --url or SALVO_URL.", e);
        } catch (HttpTimeoutException e) {
            throw new CliException.ConnectionFailed(request.method() + " " + request.uri().getPath()
                    + ": the server did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new CliException.ConnectionFailed("the connection to " + base + " failed during "
                    + request.method() + " " + request.uri().getPath() + " (" + reason(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.Interrupted();
        }
    }

    private static JsonNode json(HttpResponse<InputStream> response) {
        if (response.statusCode() / 100 != 2) {
            throw apiError(response);
        }
        try (InputStream in = response.body()) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new CliException.ConnectionFailed("the server's answer could not be read as JSON (" + reason(e) + ")", e);
        }
    }

    /** The OpenAI envelope {@code {"error": {"message", "type", "param", "code"}}}, or the start of whatever came instead. */
    static CliException.ApiError apiError(HttpResponse<InputStream> response) {
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_ERROR_BYTES);
        } catch (IOException e) {
            bytes = new byte[0];
        }
        return apiError(response.statusCode(), bytes);
    }

    static CliException.ApiError apiError(int status, byte[] bytes) {
        try {
            JsonNode error = JSON.readTree(bytes).path("error");
            if (error.isObject() && error.path("message").isTextual()) {
                return new CliException.ApiError(status, error.path("message").asText(), text(error, "type"),
                        text(error, "code"), text(error, "param"));
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: answered below with the text itself
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        return new CliException.ApiError(status, text.isEmpty() ? "the server answered HTTP " + status + " with no details"
                : "the server answered: " + text, null, null, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** An id as one path segment: whatever it holds, it cannot reach another route. */
    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A filename inside a quoted header parameter: no quotes, backslashes or line breaks. */
    static String headerSafe(String filename) {
        String safe = filename.replaceAll("[\"\\\\\\p{Cntrl}]", "_");
        return safe.isEmpty() ? "upload.jsonl" : safe;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
