package dev.salvo.core.checkpoint;

/**
 * Which thread: its owner (the tenant, e.g. an HTTP principal) and its id within that owner. The same
 * thread id under two owners names two unrelated threads; every operation of {@link CheckpointStore} is
 * scoped to one key, and {@link CheckpointStore#listThreads(String, ThreadListOptions)} lists one owner's.
 *
 * <p>Both parts are checked here ({@link CheckpointIds}), so a key that exists is safe to use as two
 * path segments: an invalid owner or thread id is {@link CheckpointException.Validation} with reason
 * {@code INVALID_ID} before any store sees it.
 *
 * @param owner    1-128 characters of {@code [A-Za-z0-9_.-]}, not {@code .} or {@code ..} (no {@code :})
 * @param threadId 1-128 characters of {@code [A-Za-z0-9_.:-]}, not {@code .} or {@code ..}
 */
public record ThreadKey(String owner, String threadId) {

    public ThreadKey {
        CheckpointIds.requireValidOwner(owner);
        CheckpointIds.requireValidThreadId(threadId);
    }

    public static ThreadKey of(String owner, String threadId) {
        return new ThreadKey(owner, threadId);
    }

    /** Another thread of the same owner. */
    public ThreadKey sibling(String otherThreadId) {
        return new ThreadKey(owner, otherThreadId);
    }
}
