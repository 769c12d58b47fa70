package dev.salvo.daemon.upstream;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/** One HTTP call to an upstream model server. {@code streaming}: execute as SSE and reassemble. */
public record UpstreamRequest(URI uri, String method, Map<String, String> headers, String body, boolean streaming) {

    public UpstreamRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }
}
