package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.util.regex.Pattern;

/**
 * The one rule for owner, thread and checkpoint ids, shared by every adapter so they accept and reject
 * the same ids:
 * <ul>
 *   <li>thread and checkpoint ids: 1 to 128 characters from {@code [A-Za-z0-9_.:-]}, not {@code .} or {@code ..};</li>
 *   <li>owners: 1 to 128 characters from {@code [A-Za-z0-9_.-]} (no {@code :}), not {@code .} or {@code ..}.</li>
 * </ul>
 *
 * <p>The rule makes every id safe to use as a file name (no separators, no NUL, no parent reference),
 * which is why it lives in the domain and not only in the filesystem adapter. Owners have no {@code :}
 * so that {@code owner:thread} is unambiguous, as it was in the store ids of the layout before owners
 * ({@link LegacyThreadIds}).
 */
public final class CheckpointIds {

    public static final int MAX_LENGTH = 128;
    public static final int OWNER_MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");
    private static final Pattern SAFE_OWNER = Pattern.compile("[A-Za-z0-9_.-]{1," + OWNER_MAX_LENGTH + "}");

    private CheckpointIds() {
    }

    /** Whether {@code id} is a valid thread or checkpoint id. */
    public static boolean isValid(String id) {
        return id != null && SAFE.matcher(id).matches() && notDots(id);
    }

    public static boolean isValidOwner(String owner) {
        return owner != null && SAFE_OWNER.matcher(owner).matches() && notDots(owner);
    }

    public static String requireValidOwner(String owner) {
        if (!isValidOwner(owner)) {
            throw new Validation(Reason.INVALID_ID,
                    "owner must be 1-" + OWNER_MAX_LENGTH + " characters from [A-Za-z0-9_.-] and not '.' or '..'");
        }
        return owner;
    }

    public static String requireValidThreadId(String threadId) {
        return require(threadId, "thread id");
    }

    public static String requireValidCheckpointId(String checkpointId) {
        return require(checkpointId, "checkpoint id");
    }

    /** A thread key is required; its parts were checked when it was built. */
    public static ThreadKey requireThread(ThreadKey thread) {
        if (thread == null) {
            throw new Validation(Reason.INVALID_ARGUMENT, "the thread (owner and thread id) is required");
        }
        return thread;
    }

    private static boolean notDots(String id) {
        return !id.equals(".") && !id.equals("..");
    }

    private static String require(String id, String what) {
        if (!isValid(id)) {
            throw new Validation(Reason.INVALID_ID,
                    what + " must be 1-" + MAX_LENGTH + " characters from [A-Za-z0-9_.:-] and not '.' or '..'");
        }
        return id;
    }
}
