package dev.salvo.daemon.execution;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.RequestId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this daemon is executing right now, indexed the ways the loops need: by request (to abort a
 * superseded twin), by batch (to abort a cancelled batch), and counted per model (capacity) and per
 * batch owner (fairness).
 */
public final class InFlight {

    private final Map<RequestId, Execution> byRequest = new ConcurrentHashMap<>();
    private final Map<String, Integer> perModel = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

    void add(Execution execution) {
        byRequest.put(execution.claimed().id(), execution);
        perModel.merge(execution.claimed().data().model(), 1, Integer::sum);
        perUser.merge(execution.claimed().data().createdBy(), 1, Integer::sum);
    }

    void remove(Execution execution) {
        if (byRequest.remove(execution.claimed().id(), execution)) {
            perModel.computeIfPresent(execution.claimed().data().model(), (m, n) -> n == 1 ? null : n - 1);
            perUser.computeIfPresent(execution.claimed().data().createdBy(), (u, n) -> n == 1 ? null : n - 1);
        }
    }

    public int model(String model) {
        return perModel.getOrDefault(model, 0);
    }

    public Map<String, Integer> users() {
        return Map.copyOf(perUser);
    }

    public int size() {
        return byRequest.size();
    }

    public Execution get(RequestId id) {
        return byRequest.get(id);
    }

    public Set<BatchId> batches() {
        return byRequest.values().stream().map(e -> e.claimed().data().batchId()).collect(java.util.stream.Collectors.toSet());
    }

    public List<Execution> ofBatches(Collection<BatchId> batches) {
        return byRequest.values().stream().filter(e -> batches.contains(e.claimed().data().batchId())).toList();
    }

    public List<Execution> all() {
        return List.copyOf(byRequest.values());
    }
}
