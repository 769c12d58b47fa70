package dev.salvo.core.batch;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One request to make, as uploaded: where to send it ({@code endpoint} base URL + {@code path}), how
 * ({@code method}, {@code body}, a JSON string kept byte for byte) and for which {@code model} (the
 * concurrency and routing key, copied out of the body). {@code apiKey} is the upstream secret; it is
 * stored, never shown.
 */
public record RequestTemplateInput(
        String customId,
        String endpoint,
        String method,
        String path,
        String body,
        String model,
        String apiKey) {

    public RequestTemplateInput {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(model, "model");
        apiKey = apiKey == null ? "" : apiKey;
    }

    /** UTF-8 length of the body: what template statistics sum without reading bodies back. */
    public long bodyByteSize() {
        return body.getBytes(StandardCharsets.UTF_8).length;
    }
}
