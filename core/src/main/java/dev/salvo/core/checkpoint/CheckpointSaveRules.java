package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.util.Map;

/**
 * The checks every adapter runs before storing a checkpoint, in one place so that all adapters reject
 * exactly the same input with exactly the same error kind, and nothing is written when they do.
 */
public final class CheckpointSaveRules {

    private CheckpointSaveRules() {
    }

    public static void validate(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
        CheckpointIds.requireThread(thread);
        if (metadata == null || state == null) {
            throw new Validation(Reason.INVALID_ARGUMENT, "metadata and state are required");
        }
        CheckpointIds.requireValidCheckpointId(metadata.id());
        if (!thread.threadId().equals(metadata.threadId())) {
            throw new Validation(Reason.THREAD_MISMATCH,
                    "metadata.threadId '" + metadata.threadId() + "' does not match thread '" + thread.threadId() + "'");
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

    /** Rejects a missing thread or a negative keep count for {@link CheckpointStore#prune}. */
    public static void validatePrune(ThreadKey thread, int keepLatest) {
        CheckpointIds.requireThread(thread);
        if (keepLatest < 0) {
            throw new Validation(Reason.INVALID_ARGUMENT, "keepLatest must not be negative, was " + keepLatest);
        }
    }

    /** Rejects a missing thread or missing list options for {@link CheckpointStore#list(ThreadKey, ListOptions)}. */
    public static void validateList(ThreadKey thread, ListOptions options) {
        CheckpointIds.requireThread(thread);
        if (options == null) {
            throw new Validation(Reason.INVALID_ARGUMENT, "list options are required");
        }
    }

    /** Rejects a bad owner or missing options for {@link CheckpointStore#listThreads(String, ThreadListOptions)}. */
    public static void validateListThreads(String owner, ThreadListOptions options) {
        CheckpointIds.requireValidOwner(owner);
        if (options == null) {
            throw new Validation(Reason.INVALID_ARGUMENT, "thread list options are required");
        }
    }

    private static void requireNoNul(String text, String what) {
        if (text != null && text.indexOf('\0') >= 0) {
            throw new Validation(Reason.INVALID_ARGUMENT, what + " must not contain the NUL character");
        }
    }
}
