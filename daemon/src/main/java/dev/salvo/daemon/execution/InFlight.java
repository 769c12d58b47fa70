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
 *
 * <p>An execution holds its model's slot from its claim until its upstream call ends, not until its
 * result is stored: the concurrency limit is about calls to the model, and holding the slot through
 * the write would idle it for a storage round trip per request (on PostgreSQL, ~5–10% of a 1 s
 * call's throughput). Executions still writing are counted separately ({@link #held}) so that a slow
 * store cannot pile up results without bound. A request rerouted to its escalation model holds a slot
 * of both models: its claim took one of its own model, and its call takes one of the escalation model.
 */
public final class InFlight {

    private final Map<RequestId, Execution> byRequest = new ConcurrentHashMap<>();
    private final Map<String, Integer> perModel = new ConcurrentHashMap<>();
    private final Map<String, Integer> heldPerModel = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

    void add(Execution execution) {
        byRequest.put(execution.claimed().id(), execution);
        for (String model : execution.slots()) {
            perModel.merge(model, 1, Integer::sum);
            heldPerModel.merge(model, 1, Integer::sum);
        }
        perUser.merge(execution.claimed().data().createdBy(), 1, Integer::sum);
    }

    /** The execution's upstream call is over (or never started): its model slot is free for the next claim. */
    void endCall(Execution execution) {
        if (execution.giveBackSlot()) {
            execution.slots().forEach(model -> perModel.computeIfPresent(model, InFlight::decrement));
            perUser.computeIfPresent(execution.claimed().data().createdBy(), InFlight::decrement);
        }
    }

    void remove(Execution execution) {
        if (byRequest.remove(execution.claimed().id(), execution)) {
            execution.slots().forEach(model -> heldPerModel.computeIfPresent(model, InFlight::decrement));
            endCall(execution);
        }
    }

    private static Integer decrement(String key, Integer n) {
        return n == 1 ? null : n - 1;
    }

    /** Slots of the model in use: executions claimed and not yet started, or calling the model. */
    public int model(String model) {
        return perModel.getOrDefault(model, 0);
    }

    /** Every execution of the model this daemon holds, including those whose result is being stored. */
    public int held(String model) {
        return heldPerModel.getOrDefault(model, 0);
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
