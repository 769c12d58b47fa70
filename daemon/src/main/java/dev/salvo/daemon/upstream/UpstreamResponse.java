package dev.salvo.daemon.upstream;

/** What the upstream answered: any status, and the body as text (for SSE, the reassembled JSON). */
public record UpstreamResponse(int status, String body) {
}
