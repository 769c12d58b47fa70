package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The committed checkpoints of one thread as they are on disk, by sequence and by id.
 *
 * <p>Not synchronised: the store reads an index only under its thread's read lock and changes it only
 * under the write lock, after the disk already reflects the change.
 */
final class ThreadIndex {

    private final ThreadKey thread;
    private final NavigableMap<Long, CheckpointMetadata> bySequence = new TreeMap<>();
    private final Map<String, Long> sequenceById = new HashMap<>();

    ThreadIndex(ThreadKey thread) {
        this.thread = thread;
    }

    boolean isEmpty() {
        return bySequence.isEmpty();
    }

    int size() {
        return bySequence.size();
    }

    boolean contains(String checkpointId) {
        return sequenceById.containsKey(checkpointId);
    }

    /** The highest stored sequence plus one, so a new thread, or one emptied by deletes, starts at 1. */
    long nextSequence() {
        return bySequence.isEmpty() ? 1 : bySequence.lastKey() + 1;
    }

    void add(CheckpointMetadata stored) {
        bySequence.put(stored.sequence(), stored);
        sequenceById.put(stored.id(), stored.sequence());
    }

    void remove(CheckpointMetadata stored) {
        bySequence.remove(stored.sequence());
        sequenceById.remove(stored.id());
    }

    Optional<CheckpointMetadata> find(String checkpointId) {
        Long sequence = sequenceById.get(checkpointId);
        return sequence == null ? Optional.empty() : Optional.of(bySequence.get(sequence));
    }

    Optional<CheckpointMetadata> latest() {
        return bySequence.isEmpty() ? Optional.empty() : Optional.of(bySequence.lastEntry().getValue());
    }

    /** Everything but the newest {@code keep}, oldest first. */
    List<CheckpointMetadata> allButNewest(int keep) {
        int excess = bySequence.size() - keep;
        List<CheckpointMetadata> oldest = new ArrayList<>(Math.max(excess, 0));
        for (CheckpointMetadata m : bySequence.values()) {
            if (oldest.size() >= excess) {
                break;
            }
            oldest.add(m);
        }
        return oldest;
    }

    List<CheckpointMetadata> page(ListOptions options) {
        if (bySequence.isEmpty()) {
            return List.of();
        }
        NavigableMap<Long, CheckpointMetadata> view = bySequence;
        if (options.beforeId() != null) {
            view = view.headMap(cursor(options.beforeId()), false);
        }
        if (options.afterId() != null) {
            view = view.tailMap(cursor(options.afterId()), false);
        }
        if (options.descending()) {
            view = view.descendingMap();
        }
        List<CheckpointMetadata> page = new ArrayList<>(Math.min(view.size(), options.limit()));
        for (CheckpointMetadata m : view.values()) {
            if (page.size() == options.limit()) {
                break;
            }
            page.add(m);
        }
        return page;
    }

    private long cursor(String checkpointId) {
        Long sequence = sequenceById.get(checkpointId);
        if (sequence == null) {
            throw CheckpointException.NotFound.checkpoint(thread, checkpointId);
        }
        return sequence;
    }
}
