package dev.salvo.storage.memory.checkpoint;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CheckpointStore} in memory: a map keyed by owner, then by thread id, holding one ordered history
 * per thread, each guarded by its own monitor.
 *
 * <p>Every mutation runs inside the owner's map's {@link ConcurrentHashMap#compute}, so creating a
 * thread's history, changing it and dropping it when it becomes empty are one atomic step per thread;
 * saves to different threads never contend. An owner's map, once created, stays (one small map per
 * owner), so no mutation has to race against its removal. State arrays are copied in and out so callers
 * cannot change what is stored.
 */
public final class MemoryCheckpointStore implements CheckpointStore {

    // ConcurrentHashMap, not a skip list: only its compute() runs the function once, atomically, per key.
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ThreadHistory>> owners = new ConcurrentHashMap<>();

    @Override
    public String save(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(thread, metadata, state);
        byte[] copy = state.clone();
        threadsOf(thread.owner()).compute(thread.threadId(), (id, history) -> {
            ThreadHistory h = history == null ? new ThreadHistory() : history;
            h.append(thread, metadata, copy);
            return h;
        });
        return metadata.id();
    }

    @Override
    public Checkpoint load(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        return existing(thread).find(thread, checkpointId);
    }

    @Override
    public Checkpoint loadLatest(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        Checkpoint latest = existing(thread).latest();
        if (latest == null) {
            throw CheckpointException.NotFound.thread(thread);
        }
        return latest;
    }

    @Override
    public List<CheckpointMetadata> list(ThreadKey thread, ListOptions options) {
        CheckpointSaveRules.validateList(thread, options);
        ThreadHistory history = history(thread);
        return history == null ? List.of() : history.page(thread, options);
    }

    @Override
    public void delete(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        Map<String, ThreadHistory> threads = owners.get(thread.owner());
        if (threads != null) {
            threads.computeIfPresent(thread.threadId(), (id, history) -> history.remove(checkpointId) ? null : history);
        }
    }

    @Override
    public void deleteThread(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        Map<String, ThreadHistory> threads = owners.get(thread.owner());
        if (threads != null) {
            threads.remove(thread.threadId());
        }
    }

    @Override
    public long count(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        ThreadHistory history = history(thread);
        return history == null ? 0 : history.size();
    }

    @Override
    public List<String> listThreads(String owner, ThreadListOptions options) {
        CheckpointSaveRules.validateListThreads(owner, options);
        Map<String, ThreadHistory> threads = owners.get(owner);
        // Only non-empty histories are ever kept in the map, so every key is a thread that exists.
        return threads == null ? List.of() : options.page(threads.keySet(), id -> true);
    }

    @Override
    public long prune(ThreadKey thread, int keepLatest) {
        CheckpointSaveRules.validatePrune(thread, keepLatest);
        long[] deleted = {0};
        Map<String, ThreadHistory> threads = owners.get(thread.owner());
        if (threads != null) {
            threads.computeIfPresent(thread.threadId(), (id, history) -> {
                deleted[0] = history.pruneTo(keepLatest);
                return history.size() == 0 ? null : history;
            });
        }
        return deleted[0];
    }

    private ConcurrentHashMap<String, ThreadHistory> threadsOf(String owner) {
        return owners.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
    }

    private ThreadHistory history(ThreadKey thread) {
        Map<String, ThreadHistory> threads = owners.get(thread.owner());
        return threads == null ? null : threads.get(thread.threadId());
    }

    private ThreadHistory existing(ThreadKey thread) {
        ThreadHistory history = history(thread);
        if (history == null) {
            throw CheckpointException.NotFound.thread(thread);
        }
        return history;
    }

    /** One thread's checkpoints by sequence, plus an id index. */
    private static final class ThreadHistory {
        private final NavigableMap<Long, Checkpoint> bySequence = new TreeMap<>();
        private final Map<String, Long> sequenceById = new HashMap<>();

        synchronized void append(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
            if (sequenceById.containsKey(metadata.id())) {
                throw new CheckpointException.Conflict(thread, metadata.id());
            }
            long sequence = bySequence.isEmpty() ? 1 : bySequence.lastKey() + 1;
            bySequence.put(sequence, new Checkpoint(metadata.asStored(sequence, state.length), state));
            sequenceById.put(metadata.id(), sequence);
        }

        synchronized Checkpoint find(ThreadKey thread, String checkpointId) {
            Long sequence = sequenceById.get(checkpointId);
            if (sequence == null) {
                if (bySequence.isEmpty()) {
                    throw CheckpointException.NotFound.thread(thread);
                }
                throw CheckpointException.NotFound.checkpoint(thread, checkpointId);
            }
            return copyOf(bySequence.get(sequence));
        }

        synchronized Checkpoint latest() {
            return bySequence.isEmpty() ? null : copyOf(bySequence.lastEntry().getValue());
        }

        synchronized List<CheckpointMetadata> page(ThreadKey thread, ListOptions options) {
            if (bySequence.isEmpty()) {
                return List.of();
            }
            NavigableMap<Long, Checkpoint> view = bySequence;
            if (options.beforeId() != null) {
                view = view.headMap(cursor(thread, options.beforeId()), false);
            }
            if (options.afterId() != null) {
                view = view.tailMap(cursor(thread, options.afterId()), false);
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

        private long cursor(ThreadKey thread, String checkpointId) {
            Long sequence = sequenceById.get(checkpointId);
            if (sequence == null) {
                throw CheckpointException.NotFound.checkpoint(thread, checkpointId);
            }
            return sequence;
        }

        private static Checkpoint copyOf(Checkpoint stored) {
            return new Checkpoint(stored.metadata(), stored.state().clone());
        }
    }
}
