package dev.salvo.core.batch;

import java.util.Locale;

/**
 * The status values {@link ListBatchesFilter} accepts; decided from timestamps, never from counts.
 * {@code in_progress} includes validating and finalizing batches.
 */
public enum BatchStatusFilter {
    IN_PROGRESS, COMPLETED, FAILED, CANCELLED, EXPIRED;

    /** @throws BatchStorageException.Validation for any other value */
    public static BatchStatusFilter parse(String text) {
        if (text != null) {
            for (BatchStatusFilter f : values()) {
                if (f.name().toLowerCase(Locale.ROOT).equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
        }
        throw new BatchStorageException.Validation("Unknown batch status filter '" + text
                + "': use in_progress, completed, failed, cancelled or expired");
    }

    public boolean matches(Batch batch) {
        return switch (this) {
            case IN_PROGRESS -> batch.completedAt() == null && batch.failedAt() == null && batch.cancelledAt() == null
                    && batch.cancellingAt() == null && batch.expiredAt() == null;
            case COMPLETED -> batch.completedAt() != null;
            case FAILED -> batch.failedAt() != null && batch.completedAt() == null;
            case CANCELLED -> batch.cancelledAt() != null || batch.cancellingAt() != null;
            case EXPIRED -> batch.expiredAt() != null;
        };
    }
}
