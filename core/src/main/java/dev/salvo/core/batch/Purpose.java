package dev.salvo.core.batch;

import java.util.Locale;
import java.util.Optional;

/** What a file is for: an uploaded batch input, or a batch's virtual output / error file. */
public enum Purpose {
    BATCH("batch"),
    BATCH_OUTPUT("batch_output"),
    BATCH_ERROR("batch_error");

    private final String wire;

    Purpose(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Case-insensitive; empty for anything else. */
    public static Optional<Purpose> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.strip().toLowerCase(Locale.ROOT);
        for (Purpose p : values()) {
            if (p.wire.equals(lower)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
