package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import java.util.Map;

/**
 * The checks every adapter runs before storing a checkpoint, in one place so that all adapters reject
 * exactly the same input with exactly the same error kind, and nothing is written when they do.
 */
public final class CheckpointSaveRules {

    private CheckpointSaveRules() {
    }

    public static void validate(String threadId, CheckpointMetadata metadata, byte[] state) {
        CheckpointIds.requireValidThreadId(threadId);
        if (metadata == null || state == null) {
            throw new InvalidState(Reason.INVALID_ARGUMENT, "metadata and state are required");
        }
        CheckpointIds.requireValidCheckpointId(metadata.id());
        if (!threadId.equals(metadata.threadId())) {
            throw new InvalidState(Reason.THREAD_MISMATCH,
                    "metadata.threadId '" + metadata.threadId() + "' does not match thread '" + threadId + "'");
        }
        if (metadata.parentId() != null) {
            CheckpointIds.requireValidCheckpointId(metadata.parentId());
        }
        // PostgreSQL cannot store U+0000 in text or jsonb; rejecting it everywhere keeps adapters identical.
        requireNoNul(metadata.label(), "label");
        metadata.tags().forEach(tag -> requireNoNul(tag, "tag"));
        for (Map.Entry<String, String> e : metadata.custom().entrySet()) {
            requireNoNul(e.getKey(), "custom key");
            requireNoNul(e.getValue(), "custom value");
        }
    }

    /** Rejects a negative keep count for {@link CheckpointStore#prune}. */
    public static void validatePrune(String threadId, int keepLatest) {
        CheckpointIds.requireValidThreadId(threadId);
        if (keepLatest < 0) {
            throw new InvalidState(Reason.INVALID_ARGUMENT, "keepLatest must not be negative, was " + keepLatest);
        }
    }

    private static void requireNoNul(String text, String what) {
        if (text != null && text.indexOf('\0') >= 0) {
            throw new InvalidState(Reason.INVALID_ARGUMENT, what + " must not contain the NUL character");
        }
    }
}
