package dev.salvo.storage.memory.checkpoint;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CheckpointStore} in memory: one ordered map per thread, each guarded by its own monitor.
 *
 * <p>Every mutation runs inside {@link ConcurrentHashMap#compute}, so creating a thread's history,
 * changing it and dropping it when it becomes empty are one atomic step per thread; saves to different
 * threads never contend. State arrays are copied in and out so callers cannot change what is stored.
 */
public final class MemoryCheckpointStore implements CheckpointStore {

    // ConcurrentHashMap, not a skip list: only its compute() runs the function once, atomically, per key.
    private final ConcurrentHashMap<String, ThreadHistory> threads = new ConcurrentHashMap<>();

    @Override
    public String save(String threadId, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(threadId, metadata, state);
        byte[] copy = state.clone();
        threads.compute(threadId, (id, history) -> {
            ThreadHistory h = history == null ? new ThreadHistory() : history;
            h.append(metadata, copy);
            return h;
        });
        return metadata.id();
    }

    @Override
    public Checkpoint load(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        return existing(threadId).find(threadId, checkpointId);
    }

    @Override
    public Checkpoint loadLatest(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        Checkpoint latest = existing(threadId).latest();
        if (latest == null) {
            throw new CheckpointException.ThreadNotFound(threadId);
        }
        return latest;
    }

    @Override
    public List<CheckpointMetadata> list(String threadId, ListOptions options) {
        CheckpointIds.requireValidThreadId(threadId);
        ThreadHistory history = threads.get(threadId);
        return history == null ? List.of() : history.page(threadId, options);
    }

    @Override
    public void delete(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        threads.computeIfPresent(threadId, (id, history) -> history.remove(checkpointId) ? null : history);
    }

    @Override
    public void deleteThread(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        threads.remove(threadId);
    }

    @Override
    public long count(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        ThreadHistory history = threads.get(threadId);
        return history == null ? 0 : history.size();
    }

    @Override
    public List<String> listThreads() {
        return threads.keySet().stream().sorted().toList();
    }

    @Override
    public long prune(String threadId, int keepLatest) {
        CheckpointSaveRules.validatePrune(threadId, keepLatest);
        long[] deleted = {0};
        threads.computeIfPresent(threadId, (id, history) -> {
            deleted[0] = history.pruneTo(keepLatest);
            return history.size() == 0 ? null : history;
        });
        return deleted[0];
    }

    private ThreadHistory existing(String threadId) {
        ThreadHistory history = threads.get(threadId);
        if (history == null) {
            throw new CheckpointException.ThreadNotFound(threadId);
        }
        return history;
    }

    /** One thread's checkpoints by sequence, plus an id index. */
    private static final class ThreadHistory {
        private final NavigableMap<Long, Checkpoint> bySequence = new TreeMap<>();
        private final Map<String, Long> sequenceById = new HashMap<>();

        synchronized void append(CheckpointMetadata metadata, byte[] state) {
            if (sequenceById.containsKey(metadata.id())) {
                throw new InvalidState(Reason.DUPLICATE_ID,
                        "thread " + metadata.threadId() + " already has checkpoint " + metadata.id());
            }
            long sequence = bySequence.isEmpty() ? 1 : bySequence.lastKey() + 1;
            bySequence.put(sequence, new Checkpoint(metadata.asStored(sequence, state.length), state));
            sequenceById.put(metadata.id(), sequence);
        }

        synchronized Checkpoint find(String threadId, String checkpointId) {
            Long sequence = sequenceById.get(checkpointId);
            if (sequence == null) {
                if (bySequence.isEmpty()) {
                    throw new CheckpointException.ThreadNotFound(threadId);
                }
                throw new CheckpointException.NotFound(threadId, checkpointId);
            }
            return copyOf(bySequence.get(sequence));
        }

        synchronized Checkpoint latest() {
            return bySequence.isEmpty() ? null : copyOf(bySequence.lastEntry().getValue());
        }

        synchronized List<CheckpointMetadata> page(String threadId, ListOptions options) {
            if (bySequence.isEmpty()) {
                return List.of();
            }
            NavigableMap<Long, Checkpoint> view = bySequence;
            if (options.beforeId() != null) {
                view = view.headMap(cursor(threadId, options.beforeId()), false);
            }
            if (options.afterId() != null) {
                view = view.tailMap(cursor(threadId, options.afterId()), false);
            }
            if (options.descending()) {
                view = view.descendingMap();
            }
            List<CheckpointMetadata> page = new ArrayList<>(Math.min(view.size(), options.limit()));
            for (Checkpoint c : view.values()) {
                if (page.size() == options.limit()) {
                    break;
                }
                page.add(c.metadata());
            }
            return page;
        }

        synchronized boolean remove(String checkpointId) {
            Long sequence = sequenceById.remove(checkpointId);
            if (sequence != null) {
                bySequence.remove(sequence);
            }
            return bySequence.isEmpty();
        }

        synchronized long pruneTo(int keepLatest) {
            long deleted = 0;
            while (bySequence.size() > keepLatest) {
                Checkpoint oldest = bySequence.pollFirstEntry().getValue();
                sequenceById.remove(oldest.id());
                deleted++;
            }
            return deleted;
        }

        synchronized int size() {
            return bySequence.size();
        }

        private long cursor(String threadId, String checkpointId) {
            Long sequence = sequenceById.get(checkpointId);
            if (sequence == null) {
                throw new CheckpointException.NotFound(threadId, checkpointId);
            }
            return sequence;
        }

        private static Checkpoint copyOf(Checkpoint stored) {
            return new Checkpoint(stored.metadata(), stored.state().clone());
        }
    }
}
