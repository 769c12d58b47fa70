package dev.salvo.core.checkpoint;

import dev.salvo.core.common.TimeOrderedIds;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Domain service over a {@link CheckpointStore}: linear history per thread, forks with provenance,
 * rewind and pruning. Every thread is named by its {@link ThreadKey} (owner and thread id).
 *
 * <p>Step and parent are derived from what the store holds at save time, never from a process-local
 * counter, so they stay right across restarts and across processes sharing one store. Two managers
 * saving to the same thread at the same instant may both build on the same latest checkpoint; the
 * store still orders them by sequence and the history then records a branch, which is what happened.
 */
public final class CheckpointManager {

    /** Custom-metadata key recording the thread a forked checkpoint was copied from. */
    public static final String FORKED_FROM_THREAD = "forked_from_thread";
    /** Custom-metadata key recording the checkpoint a forked checkpoint was copied from. */
    public static final String FORKED_FROM_CHECKPOINT = "forked_from_checkpoint";
    /** Default for {@code maxCheckpointsPerThread}, as in cortexai. */
    public static final int DEFAULT_MAX_CHECKPOINTS_PER_THREAD = 100;

    private final CheckpointStore store;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final int maxCheckpointsPerThread;

    /**
     * @param maxCheckpointsPerThread after every save, older checkpoints beyond this many are pruned;
     *                                0 disables pruning
     */
    public CheckpointManager(CheckpointStore store, Clock clock, int maxCheckpointsPerThread) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxCheckpointsPerThread < 0) {
            throw new IllegalArgumentException("maxCheckpointsPerThread must be 0 (no pruning) or positive");
        }
        this.maxCheckpointsPerThread = maxCheckpointsPerThread;
        this.ids = new TimeOrderedIds(clock);
    }

    public CheckpointManager(CheckpointStore store, Clock clock) {
        this(store, clock, DEFAULT_MAX_CHECKPOINTS_PER_THREAD);
    }

    public CheckpointStore store() {
        return store;
    }

    /** Saves a new checkpoint on top of the thread's latest and returns its metadata as built (sequence 0: the store assigns it). */
    public CheckpointMetadata save(ThreadKey thread, byte[] state) {
        return save(thread, state, SaveOptions.none());
    }

    public CheckpointMetadata save(ThreadKey thread, byte[] state, SaveOptions options) {
        CheckpointIds.requireThread(thread);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(options, "options");
        Optional<CheckpointMetadata> latest = options.derivesLineage() ? latestMetadata(thread) : Optional.empty();
        CheckpointMetadata metadata = new CheckpointMetadata(
                options.checkpointId() != null ? options.checkpointId() : ids.nextString(),
                thread.threadId(),
                clock.instant(),
                options.parentId() != null ? options.parentId() : latest.map(CheckpointMetadata::id).orElse(null),
                options.step() != null ? options.step() : latest.map(m -> m.step() + 1).orElse(1L),
                options.label(),
                options.tags(),
                state.length,
                options.custom(),
                0);
        store.save(thread, metadata, state);
        if (maxCheckpointsPerThread > 0) {
            store.prune(thread, maxCheckpointsPerThread);
        }
        return metadata;
    }

    public Checkpoint load(ThreadKey thread, String checkpointId) {
        return store.load(thread, checkpointId);
    }

    public Checkpoint loadLatest(ThreadKey thread) {
        return store.loadLatest(thread);
    }

    /** The latest checkpoint's metadata without reading its state. */
    public Optional<CheckpointMetadata> latestMetadata(ThreadKey thread) {
        List<CheckpointMetadata> newest = store.list(thread, ListOptions.newest(1));
        return newest.isEmpty() ? Optional.empty() : Optional.of(newest.getFirst());
    }

    /** The thread's history, oldest first. */
    public List<CheckpointMetadata> history(ThreadKey thread) {
        return store.list(thread);
    }

    public List<CheckpointMetadata> history(ThreadKey thread, ListOptions options) {
        return store.list(thread, options);
    }

    /**
     * Copies a checkpoint into another thread of the same owner as that thread's new latest. Label, tags
     * and custom entries come along; {@value #FORKED_FROM_THREAD} and {@value #FORKED_FROM_CHECKPOINT}
     * record where it came from. The copy's parent is the target thread's previous latest (none for a new
     * thread). A fork never crosses owners.
     */
    public CheckpointMetadata fork(ThreadKey source, String checkpointId, String newThreadId) {
        CheckpointIds.requireThread(source);
        ThreadKey target = source.sibling(newThreadId);
        Checkpoint copied = store.load(source, checkpointId);
        Map<String, String> custom = new HashMap<>(copied.metadata().custom());
        custom.put(FORKED_FROM_THREAD, source.threadId());
        custom.put(FORKED_FROM_CHECKPOINT, checkpointId);
        CheckpointMetadata m = copied.metadata();
        return save(target, copied.state(), SaveOptions.labelled(m.label()).withTags(m.tags()).withCustom(custom));
    }

    /**
     * Makes {@code checkpointId} the thread's latest again by deleting every checkpoint saved after it.
     *
     * @return how many checkpoints were deleted
     * @throws CheckpointException.NotFound {@code CHECKPOINT} if the checkpoint is not in the thread,
     *         {@code THREAD} if the thread has no checkpoints
     */
    public int rewind(ThreadKey thread, String checkpointId) {
        if (store.count(thread) == 0) {
            throw CheckpointException.NotFound.thread(thread);
        }
        // The cursor lookup throws NotFound for an id not in the thread, before anything is deleted.
        List<CheckpointMetadata> later = store.list(thread,
                new ListOptions(null, checkpointId, ListOptions.UNLIMITED, ListOptions.Order.DESCENDING));
        for (CheckpointMetadata m : later) {
            store.delete(thread, m.id());
        }
        return later.size();
    }

    /** Checkpoints carrying the tag, oldest first. */
    public List<CheckpointMetadata> findByTag(ThreadKey thread, String tag) {
        return store.list(thread).stream().filter(m -> m.tags().contains(tag)).toList();
    }

    /** The oldest checkpoint with this label. */
    public Optional<CheckpointMetadata> findByLabel(ThreadKey thread, String label) {
        return store.list(thread).stream().filter(m -> label.equals(m.label())).findFirst();
    }

    public void deleteThread(ThreadKey thread) {
        store.deleteThread(thread);
    }

    /** The owner's threads, ascending. */
    public List<String> listThreads(String owner) {
        return store.listThreads(owner);
    }

    public List<String> listThreads(String owner, ThreadListOptions options) {
        return store.listThreads(owner, options);
    }
}
