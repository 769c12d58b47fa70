package dev.salvo.core.batch;

import java.util.Locale;

/** The name of a request state, as stored and as used in filters. */
public enum RequestStateKind {
    PENDING, CLAIMED, PROCESSING, COMPLETED, FAILED, CANCELED, SUPERSEDED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RequestStateKind parse(String text) {
        for (RequestStateKind k : values()) {
            if (k.wire().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return k;
            }
        }
        throw new BatchStorageException.Validation("Unknown request state '" + text + "'");
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELED || this == SUPERSEDED;
    }

    /** Claimed or processing: a daemon holds it. */
    public boolean inFlight() {
        return this == CLAIMED || this == PROCESSING;
    }
}
