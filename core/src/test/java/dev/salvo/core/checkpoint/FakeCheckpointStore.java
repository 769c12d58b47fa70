package dev.salvo.core.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small, obviously correct {@link CheckpointStore} for testing {@link CheckpointManager}: per-thread lists in
 * save order, with a log of the calls it received.
 */
final class FakeCheckpointStore implements CheckpointStore {

    private final Map<String, List<Checkpoint>> threads = new TreeMap<>();
    private long sequence;
    final List<String> calls = new ArrayList<>();

    @Override
    public String save(String threadId, CheckpointMetadata metadata, byte[] state) {
        calls.add("save " + threadId + " " + metadata.id());
        CheckpointSaveRules.validate(threadId, metadata, state);
        List<Checkpoint> list = threads.computeIfAbsent(threadId, t -> new ArrayList<>());
        if (list.stream().anyMatch(c -> c.id().equals(metadata.id()))) {
            throw new CheckpointException.InvalidState(CheckpointException.Reason.DUPLICATE_ID, metadata.id());
        }
        list.add(new Checkpoint(metadata.asStored(++sequence, state.length), state.clone()));
        return metadata.id();
    }

    @Override
    public Checkpoint load(String threadId, String checkpointId) {
        calls.add("load " + threadId + " " + checkpointId);
        return checkpoints(threadId).stream().filter(c -> c.id().equals(checkpointId)).findFirst()
                .orElseThrow(() -> new CheckpointException.NotFound(threadId, checkpointId));
    }

    @Override
    public Checkpoint loadLatest(String threadId) {
        calls.add("loadLatest " + threadId);
        return checkpoints(threadId).getLast();
    }

    private List<Checkpoint> checkpoints(String threadId) {
        List<Checkpoint> list = threads.getOrDefault(threadId, List.of());
        if (list.isEmpty()) {
            throw new CheckpointException.ThreadNotFound(threadId);
        }
        return list;
    }

    @Override
    public List<CheckpointMetadata> list(String threadId, ListOptions options) {
        calls.add("list " + threadId + " " + options);
        List<Checkpoint> list = threads.getOrDefault(threadId, List.of());
        long before = options.before().map(id -> sequenceOf(list, threadId, id)).orElse(Long.MAX_VALUE);
        long after = options.after().map(id -> sequenceOf(list, threadId, id)).orElse(Long.MIN_VALUE);
        List<CheckpointMetadata> result = new ArrayList<>();
        for (Checkpoint c : list) {
            if (c.metadata().sequence() < before && c.metadata().sequence() > after) {
                result.add(c.metadata());
            }
        }
        if (options.descending()) {
            result = new ArrayList<>(result.reversed());
        }
        return List.copyOf(result.subList(0, Math.min(options.limit(), result.size())));
    }

    private static long sequenceOf(List<Checkpoint> list, String threadId, String id) {
        return list.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new CheckpointException.NotFound(threadId, id)).metadata().sequence();
    }

    @Override
    public void delete(String threadId, String checkpointId) {
        calls.add("delete " + threadId + " " + checkpointId);
        List<Checkpoint> list = threads.get(threadId);
        if (list != null) {
            list.removeIf(c -> c.id().equals(checkpointId));
        }
    }

    @Override
    public void deleteThread(String threadId) {
        calls.add("deleteThread " + threadId);
        threads.remove(threadId);
    }

    @Override
    public long count(String threadId) {
        calls.add("count " + threadId);
        return threads.getOrDefault(threadId, List.of()).size();
    }

    @Override
    public List<String> listThreads() {
        calls.add("listThreads");
        return threads.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    @Override
    public long prune(String threadId, int keepLatest) {
        calls.add("prune " + threadId + " " + keepLatest);
        CheckpointSaveRules.validatePrune(threadId, keepLatest);
        List<Checkpoint> list = threads.getOrDefault(threadId, new ArrayList<>());
        long removed = 0;
        while (list.size() > keepLatest) {
            list.removeFirst();
            removed++;
        }
        return removed;
    }
}
