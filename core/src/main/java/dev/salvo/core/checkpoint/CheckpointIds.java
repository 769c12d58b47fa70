package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import java.util.regex.Pattern;

/**
 * The one rule for thread and checkpoint ids, shared by every adapter so they accept and reject the
 * same ids: 1 to 128 characters from {@code [A-Za-z0-9_.:-]}, and not {@code .} or {@code ..}.
 *
 * <p>The rule makes every id safe to use as a file name (no separators, no NUL, no parent reference),
 * which is why it lives in the domain and not only in the filesystem adapter.
 */
public final class CheckpointIds {

    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");

    private CheckpointIds() {
    }

    public static boolean isValid(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    public static String requireValidThreadId(String threadId) {
        return require(threadId, "thread id");
    }

    public static String requireValidCheckpointId(String checkpointId) {
        return require(checkpointId, "checkpoint id");
    }

    private static String require(String id, String what) {
        if (!isValid(id)) {
            throw new InvalidState(Reason.INVALID_ID,
                    what + " must be 1-" + MAX_LENGTH + " characters from [A-Za-z0-9_.:-] and not '.' or '..'");
        }
        return id;
    }
}
