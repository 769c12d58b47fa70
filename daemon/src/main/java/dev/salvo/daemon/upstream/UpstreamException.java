package dev.salvo.daemon.upstream;

/** A call that produced no HTTP response. The kind decides whether a retry may help. */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** First byte, gap between events, or whole body took too long. Retriable. */
        TIMEOUT,
        /** Refused, reset, closed early, DNS. Retriable. */
        CONNECTION,
        /** The request could not be built (bad URL, method or header). Not retriable. */
        INVALID_REQUEST
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
