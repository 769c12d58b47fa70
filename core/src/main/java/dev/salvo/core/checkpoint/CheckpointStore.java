package dev.salvo.core.checkpoint;

import java.util.List;

/**
 * Port: per-thread checkpoints of agent or graph state, as metadata plus opaque state bytes, each thread
 * belonging to one owner (a tenant).
 *
 * <p>Semantics every adapter shares (and the conformance suite checks):
 * <ul>
 *   <li>A thread is named by a {@link ThreadKey} (owner, thread id): the same thread id under two owners
 *       is two unrelated threads, and nothing done to one is seen by the other.</li>
 *   <li>A thread exists iff it has at least one checkpoint.</li>
 *   <li>The store assigns each saved checkpoint a per-thread, strictly increasing sequence; "latest" and
 *       every listing order are by sequence, never by {@code createdAt}.</li>
 *   <li>State bytes are opaque and come back byte for byte; {@code stateSize} is their length.</li>
 *   <li>Ids must satisfy {@link CheckpointIds}; anything else is {@link CheckpointException.Validation}
 *       with reason {@code INVALID_ID}, and nothing is read or written. A {@link ThreadKey} cannot even be
 *       built from a bad owner or thread id; a null key or other missing argument is {@code INVALID_ARGUMENT}.</li>
 *   <li>Deletes are idempotent.</li>
 * </ul>
 * Implementations are thread-safe. Every method throws only {@link CheckpointException} kinds; a failing
 * backend is {@link CheckpointException.Backend}, undecodable stored data {@link CheckpointException.Corrupt}.
 */
public interface CheckpointStore {

    /**
     * Stores a checkpoint and returns its id.
     *
     * @throws CheckpointException.Validation {@code THREAD_MISMATCH} if {@code metadata.threadId()} is not
     *         {@code thread.threadId()}
     * @throws CheckpointException.Conflict if the thread already has a checkpoint with that id
     */
    String save(ThreadKey thread, CheckpointMetadata metadata, byte[] state);

    /**
     * @throws CheckpointException.NotFound {@code THREAD} if the thread has no checkpoints;
     *         {@code CHECKPOINT} if it has some, but not this one
     */
    Checkpoint load(ThreadKey thread, String checkpointId);

    /** The checkpoint with the highest sequence. @throws CheckpointException.NotFound {@code THREAD} if there is none */
    Checkpoint loadLatest(ThreadKey thread);

    /** Every checkpoint's metadata, ascending sequence; an unknown thread gives an empty list. */
    default List<CheckpointMetadata> list(ThreadKey thread) {
        return list(thread, ListOptions.all());
    }

    /**
     * One page of a thread's metadata; see {@link ListOptions} for the cursor rules.
     *
     * @throws CheckpointException.NotFound {@code CHECKPOINT} for a cursor id that is not in a non-empty thread
     */
    List<CheckpointMetadata> list(ThreadKey thread, ListOptions options);

    /** Removes one checkpoint; absent is not an error. */
    void delete(ThreadKey thread, String checkpointId);

    /** Removes every checkpoint of a thread; absent is not an error. */
    void deleteThread(ThreadKey thread);

    /** Number of checkpoints in the thread; 0 for an unknown thread. */
    long count(ThreadKey thread);

    /** Ids of all of the owner's threads with at least one checkpoint, ascending (by UTF-16 code unit, as {@link String#compareTo}). */
    default List<String> listThreads(String owner) {
        return listThreads(owner, ThreadListOptions.all());
    }

    /**
     * One keyset page of the owner's threads with at least one checkpoint, ascending as
     * {@link String#compareTo}: those after {@code options.afterThreadId()}, at most {@code options.limit()}.
     * Never lists another owner's threads; an owner without threads lists nothing.
     *
     * @throws CheckpointException.Validation {@code INVALID_ID} for an invalid owner
     */
    List<String> listThreads(String owner, ThreadListOptions options);

    /**
     * Deletes all but the newest {@code keepLatest} checkpoints of a thread in one atomic step and
     * returns how many were deleted. {@code keepLatest} 0 empties the thread.
     *
     * @throws CheckpointException.Validation {@code INVALID_ARGUMENT} if {@code keepLatest} is negative
     */
    long prune(ThreadKey thread, int keepLatest);
}
