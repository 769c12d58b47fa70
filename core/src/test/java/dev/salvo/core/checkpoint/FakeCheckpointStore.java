package dev.salvo.core.checkpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, obviously correct {@link CheckpointStore} for testing {@link CheckpointManager}: per-thread lists in
 * save order, with a log of the calls it received.
 */
final class FakeCheckpointStore implements CheckpointStore {

    private final Map<ThreadKey, List<Checkpoint>> threads = new HashMap<>();
    private long sequence;
    final List<String> calls = new ArrayList<>();

    private static String name(ThreadKey thread) {
        return thread == null ? "null" : thread.owner() + "/" + thread.threadId();
    }

    @Override
    public String save(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
        calls.add("save " + name(thread) + " " + metadata.id());
        CheckpointSaveRules.validate(thread, metadata, state);
        List<Checkpoint> list = threads.computeIfAbsent(thread, t -> new ArrayList<>());
        if (list.stream().anyMatch(c -> c.id().equals(metadata.id()))) {
            throw new CheckpointException.Conflict(thread, metadata.id());
        }
        list.add(new Checkpoint(metadata.asStored(++sequence, state.length), state.clone()));
        return metadata.id();
    }

    @Override
    public Checkpoint load(ThreadKey thread, String checkpointId) {
        calls.add("load " + name(thread) + " " + checkpointId);
        return checkpoints(thread).stream().filter(c -> c.id().equals(checkpointId)).findFirst()
                .orElseThrow(() -> CheckpointException.NotFound.checkpoint(thread, checkpointId));
    }

    @Override
    public Checkpoint loadLatest(ThreadKey thread) {
        calls.add("loadLatest " + name(thread));
        return checkpoints(thread).getLast();
    }

    private List<Checkpoint> checkpoints(ThreadKey thread) {
        List<Checkpoint> list = threads.getOrDefault(thread, List.of());
        if (list.isEmpty()) {
            throw CheckpointException.NotFound.thread(thread);
        }
        return list;
    }

    @Override
    public List<CheckpointMetadata> list(ThreadKey thread, ListOptions options) {
        calls.add("list " + name(thread) + " " + options);
        List<Checkpoint> list = threads.getOrDefault(thread, List.of());
        long before = options.before().map(id -> sequenceOf(list, thread, id)).orElse(Long.MAX_VALUE);
        long after = options.after().map(id -> sequenceOf(list, thread, id)).orElse(Long.MIN_VALUE);
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

    private static long sequenceOf(List<Checkpoint> list, ThreadKey thread, String id) {
        return list.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> CheckpointException.NotFound.checkpoint(thread, id)).metadata().sequence();
    }

    @Override
    public void delete(ThreadKey thread, String checkpointId) {
        calls.add("delete " + name(thread) + " " + checkpointId);
        List<Checkpoint> list = threads.get(thread);
        if (list != null) {
            list.removeIf(c -> c.id().equals(checkpointId));
        }
    }

    @Override
    public void deleteThread(ThreadKey thread) {
        calls.add("deleteThread " + name(thread));
        threads.remove(thread);
    }

    @Override
    public long count(ThreadKey thread) {
        calls.add("count " + name(thread));
        return threads.getOrDefault(thread, List.of()).size();
    }

    @Override
    public List<String> listThreads(String owner, ThreadListOptions options) {
        calls.add("listThreads " + owner + " " + options);
        CheckpointSaveRules.validateListThreads(owner, options);
        List<String> mine = threads.entrySet().stream()
                .filter(e -> e.getKey().owner().equals(owner) && !e.getValue().isEmpty())
                .map(e -> e.getKey().threadId())
                .toList();
        return options.page(mine, id -> true);
    }

    @Override
    public long prune(ThreadKey thread, int keepLatest) {
        calls.add("prune " + name(thread) + " " + keepLatest);
        CheckpointSaveRules.validatePrune(thread, keepLatest);
        List<Checkpoint> list = threads.getOrDefault(thread, new ArrayList<>());
        long removed = 0;
        while (list.size() > keepLatest) {
            list.removeFirst();
            removed++;
        }
        return removed;
    }
}
