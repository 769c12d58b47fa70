package dev.salvo.http;

/**
 * @param host                    interface to bind ({@code 127.0.0.1} keeps a development server private)
 * @param port                    TCP port; 0 picks a free one
 * @param maxStateBytes           largest checkpoint state accepted (413 above it)
 * @param maxCheckpointsPerThread the checkpoint manager prunes older checkpoints beyond this many; 0 keeps all
 */
public record HttpApiSettings(String host, int port, long maxStateBytes, int maxCheckpointsPerThread) {

    public static final long DEFAULT_MAX_STATE_BYTES = 10L * 1024 * 1024;

    public HttpApiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (maxStateBytes < 1) {
            throw new IllegalArgumentException("maxStateBytes must be positive");
        }
        if (maxCheckpointsPerThread < 0) {
            throw new IllegalArgumentException("maxCheckpointsPerThread must be 0 or positive");
        }
    }

    /** Base64 costs 4 bytes per 3, plus room for the metadata around the state. */
    long maxRequestBytes() {
        return (maxStateBytes + 2) / 3 * 4 + 1024 * 1024;
    }
}
