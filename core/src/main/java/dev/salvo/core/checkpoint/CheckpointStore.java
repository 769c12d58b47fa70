package dev.salvo.core.checkpoint;

import java.util.List;

/**
 * Port: per-thread checkpoints of agent or graph state, as metadata plus opaque state bytes.
 *
 * <p>Semantics every adapter shares (and the conformance suite checks):
 * <ul>
 *   <li>A thread exists iff it has at least one checkpoint.</li>
 *   <li>The store assigns each saved checkpoint a per-thread, strictly increasing sequence; "latest" and
 *       every listing order are by sequence, never by {@code createdAt}.</li>
 *   <li>State bytes are opaque and come back byte for byte; {@code stateSize} is their length.</li>
 *   <li>Ids must satisfy {@link CheckpointIds}; anything else is {@link CheckpointException.InvalidState}
 *       with reason {@code INVALID_ID}, and nothing is read or written.</li>
 *   <li>Deletes are idempotent.</li>
 * </ul>
 * Implementations are thread-safe. Every method throws only {@link CheckpointException} kinds.
 */
public interface CheckpointStore {

    /**
     * Stores a checkpoint and returns its id.
     *
     * @throws CheckpointException.InvalidState {@code THREAD_MISMATCH} if {@code metadata.threadId()} is not
     *         {@code threadId}; {@code DUPLICATE_ID} if the thread already has a checkpoint with that id
     */
    String save(String threadId, CheckpointMetadata metadata, byte[] state);

    /**
     * @throws CheckpointException.ThreadNotFound if the thread has no checkpoints
     * @throws CheckpointException.NotFound if it has some, but not this one
     */
    Checkpoint load(String threadId, String checkpointId);

    /** The checkpoint with the highest sequence. @throws CheckpointException.ThreadNotFound if there is none */
    Checkpoint loadLatest(String threadId);

    /** Every checkpoint's metadata, ascending sequence; an unknown thread gives an empty list. */
    default List<CheckpointMetadata> list(String threadId) {
        return list(threadId, ListOptions.all());
    }

    /** One page of a thread's metadata; see {@link ListOptions} for the cursor rules. */
    List<CheckpointMetadata> list(String threadId, ListOptions options);

    /** Removes one checkpoint; absent is not an error. */
    void delete(String threadId, String checkpointId);

    /** Removes every checkpoint of a thread; absent is not an error. */
    void deleteThread(String threadId);

    /** Number of checkpoints in the thread; 0 for an unknown thread. */
    long count(String threadId);

    /** Ids of the threads with at least one checkpoint, sorted lexicographically (by UTF-16 code unit, as {@link String#compareTo}). */
    List<String> listThreads();

    /**
     * Deletes all but the newest {@code keepLatest} checkpoints of a thread in one atomic step and
     * returns how many were deleted. {@code keepLatest} 0 empties the thread.
     *
     * @throws CheckpointException.InvalidState {@code INVALID_ARGUMENT} if {@code keepLatest} is negative
     */
    long prune(String threadId, int keepLatest);
}
