package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.CheckpointIds;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared stem of a checkpoint's two files, {@code {sequence:020d}_{checkpointId}}.
 *
 * <p>The zero-padded sequence makes a plain name sort list a thread's checkpoints in order, and puts
 * the sequence in the name so a directory listing alone can pair a {@code .state} with its
 * {@code .meta.json}. Committed names start with a digit; temporary files start with a dot.
 */
record CheckpointFileName(long sequence, String checkpointId) {

    static final String META_SUFFIX = ".meta.json";
    static final String STATE_SUFFIX = ".state";

    private static final int SEQUENCE_DIGITS = 20;
    private static final Pattern STEM = Pattern.compile("([0-9]{" + SEQUENCE_DIGITS + "})_(.+)");

    CheckpointFileName {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
        CheckpointIds.requireValidCheckpointId(checkpointId);
    }

    String stem() {
        String digits = Long.toString(sequence);
        return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits + "_" + checkpointId;
    }

    String metaFile() {
        return stem() + META_SUFFIX;
    }

    String stateFile() {
        return stem() + STATE_SUFFIX;
    }

    /** The name a {@code .meta.json} file stands for, or empty if the file is not one of ours. */
    static Optional<CheckpointFileName> ofMetaFile(String fileName) {
        return withSuffix(fileName, META_SUFFIX);
    }

    /** The name a {@code .state} file stands for, or empty if the file is not one of ours. */
    static Optional<CheckpointFileName> ofStateFile(String fileName) {
        return withSuffix(fileName, STATE_SUFFIX);
    }

    private static Optional<CheckpointFileName> withSuffix(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return Optional.empty();
        }
        Matcher m = STEM.matcher(fileName.substring(0, fileName.length() - suffix.length()));
        if (!m.matches() || !CheckpointIds.isValid(m.group(2))) {
            return Optional.empty();
        }
        try {
            long sequence = Long.parseLong(m.group(1));
            return sequence < 1 ? Optional.empty() : Optional.of(new CheckpointFileName(sequence, m.group(2)));
        } catch (NumberFormatException e) {
            // twenty digits can exceed a long; no sequence we assign ever does
            return Optional.empty();
        }
    }
}
