package dev.salvo.daemon.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * @param firstByte time until the response headers (and, when streaming, the first event)
 * @param eventGap  longest silence between two SSE events
 * @param body      time to read the whole body after the first byte
 */
public record UpstreamTimeouts(Duration firstByte, Duration eventGap, Duration body) {

    public UpstreamTimeouts {
        Objects.requireNonNull(firstByte, "firstByte");
        Objects.requireNonNull(eventGap, "eventGap");
        Objects.requireNonNull(body, "body");
    }

    public static UpstreamTimeouts defaults() {
        return new UpstreamTimeouts(Duration.ofMinutes(9), Duration.ofMinutes(9), Duration.ofMinutes(1));
    }
}
