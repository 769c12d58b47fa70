package dev.salvo.core.batch;

import java.util.Locale;

/** Status of one row of the merged results view. */
public enum ResultStatus {
    PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResultStatus parse(String text) {
        for (ResultStatus s : values()) {
            if (s.wire().equals(text)) {
                return s;
            }
        }
        throw new BatchStorageException.Validation("Unknown result status '" + text
                + "': use pending, in_progress, completed, failed or canceled");
    }
}
