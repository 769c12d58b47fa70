package dev.salvo.core.batch;

/** Lifecycle of a file: processed after a successful upload; deleted (soft) or expired later. */
public enum FileStatus {
    PROCESSED, ERROR, DELETED, EXPIRED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
