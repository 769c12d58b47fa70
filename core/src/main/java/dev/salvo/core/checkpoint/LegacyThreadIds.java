package dev.salvo.core.checkpoint;

/**
 * How a thread id of the layout before owners maps to a {@link ThreadKey}: the one rule behind both data
 * migrations (the filesystem adapter's on open, PostgreSQL's {@code V4__checkpoint_owners.sql}).
 *
 * <p>Before owners, the HTTP layer stored a principal's thread as {@code <principal>:<thread>}. Such an
 * id is split at its <em>first</em> {@code :} into owner and thread id (so {@code alice:a:b} becomes
 * owner {@code alice}, thread {@code a:b}). An id that does not split into a valid owner and a valid
 * thread id (no {@code :}, an empty part, a {@code .} or {@code ..} part) was written by a caller that used
 * the port directly; it keeps its whole id as thread id under the owner {@value #UNOWNED}, which no HTTP
 * principal can be (principal ids are lower case).
 */
public final class LegacyThreadIds {

    /** The owner of legacy threads whose id names none. */
    public static final String UNOWNED = "UNOWNED";

    private LegacyThreadIds() {
    }

    /**
     * @param legacyThreadId a thread id valid under {@link CheckpointIds#isValid}
     * @throws CheckpointException.Validation {@code INVALID_ID} if it is not
     */
    public static ThreadKey split(String legacyThreadId) {
        CheckpointIds.requireValidThreadId(legacyThreadId);
        int colon = legacyThreadId.indexOf(':');
        if (colon > 0) {
            String owner = legacyThreadId.substring(0, colon);
            String thread = legacyThreadId.substring(colon + 1);
            if (CheckpointIds.isValidOwner(owner) && CheckpointIds.isValid(thread)) {
                return new ThreadKey(owner, thread);
            }
        }
        return new ThreadKey(UNOWNED, legacyThreadId);
    }
}
