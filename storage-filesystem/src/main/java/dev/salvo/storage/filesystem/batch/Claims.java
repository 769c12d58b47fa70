package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimScoring;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who runs what: claims, stale-claim recovery, the racing escalation and the demand and SLA reports
 * the daemon and the control plane read. Runs with the store's lock held.
 */
final class Claims {

    private final StoreState state;
    private final DaemonRegistry daemons;
    /** Rotates which model is served first when the total limit binds, so no model starves. */
    private int rotation;

    Claims(StoreState state, DaemonRegistry daemons) {
        this.state = state;
        this.daemons = daemons;
    }

    /**
     * Claims pending requests: batches in {@link ClaimScoring} order, within each batch lowest line first,
     * no model beyond its capacity, nothing beyond the limit. Returns the claimed requests' slots.
     */
    List<RequestViews.Slot> claim(Tx tx, ClaimRequest claim, long now) {
        List<String> modelNames = new ArrayList<>(new TreeSet<>(claim.capacity().keySet()));
        if (!modelNames.isEmpty()) {
            Collections.rotate(modelNames, -Math.floorMod(rotation++, modelNames.size()));
        }
        Map<Integer, Integer> remaining = new LinkedHashMap<>();
        for (String model : modelNames) {
            int capacity = claim.capacity().get(model);
            int number = state.models.find(model);
            if (capacity > 0 && number >= 0) {
                remaining.put(number, capacity);
            }
        }
        if (remaining.isEmpty()) {
            return List.of();
        }
        List<BatchEntry> candidates = new ArrayList<>();
        for (BatchEntry batch : state.batches.values()) {
            if (batch.running() && batch.table != null && now < batch.expiresAt && hasPending(batch, remaining)) {
                candidates.add(batch);
            }
        }
        Instant at = Nanos.toInstant(now);
        candidates.sort(ClaimScoring.order(claim, at, b -> b.createdBy, b -> Nanos.toInstant(b.expiresAt), b -> b.id));
        int left = claim.limit();
        DaemonId daemon = claim.daemonId();
        List<RequestViews.Slot> slots = new ArrayList<>();
        for (BatchEntry batch : candidates) {
            IntList chosen = new IntList();
            for (Map.Entry<Integer, Integer> capacity : remaining.entrySet()) {
                if (capacity.getValue() == 0 || left == 0) {
                    continue;
                }
                int taken = batch.table.selectPending(capacity.getKey(), Math.min(capacity.getValue(), left), now, chosen::add);
                capacity.setValue(capacity.getValue() - taken);
                left -= taken;
            }
            if (chosen.size() > 0) {
                int[] ordinals = chosen.toArray();
                tx.apply(batch, new Effect.Claim(now, daemon, ordinals));
                for (int ordinal : ordinals) {
                    slots.add(RequestViews.slot(state, batch, ordinal));
                }
            }
            if (left == 0) {
                break;
            }
        }
        return slots;
    }

    private static boolean hasPending(BatchEntry batch, Map<Integer, Integer> models) {
        for (Integer model : models.keySet()) {
            if (batch.table.pendingOf(model) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Claimed or processing requests of dead, unknown or silent daemons back to pending, attempt kept. */
    long reclaimStale(Tx tx, Duration threshold, int limit, long now) {
        Instant at = Nanos.toInstant(now);
        Map<Integer, Boolean> stale = new HashMap<>();
        long reclaimed = 0;
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (reclaimed >= limit) {
                break;
            }
            if (batch.deleted() || batch.table == null || batch.table.inFlightCount() == 0) {
                continue;
            }
            IntList ordinals = new IntList();
            long budget = limit - reclaimed;
            batch.table.forEachInFlight(ordinal -> {
                if (ordinals.size() >= budget) {
                    return;
                }
                int daemon = batch.table.daemon(ordinal);
                boolean isStale = stale.computeIfAbsent(daemon,
                        d -> d < 0 || daemons.isStale(state.daemons.value(d), at, threshold));
                if (isStale) {
                    ordinals.add(ordinal);
                }
            });
            if (ordinals.size() > 0) {
                tx.apply(batch, new Effect.Reset(ordinals.toArray(), false));
                Lifecycle.settle(tx, batch, now);
                reclaimed += ordinals.size();
            }
        }
        return reclaimed;
    }

    // ------------------------------------------------------------------ SLA escalation (racing pairs)

    long escalate(Tx tx, String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                  String apiKeyOverride, long now) {
        int number = state.models.find(model);
        if (number < 0 || states == null || states.isEmpty()) {
            return 0;
        }
        long horizon = now + threshold.toNanos();
        String routedTo = modelOverride == null || modelOverride.isBlank() ? model : modelOverride;
        String apiKey = apiKeyOverride == null || apiKeyOverride.isBlank() ? null : apiKeyOverride;
        long created = 0;
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (!batch.running() || batch.table == null || batch.expiresAt <= now || batch.expiresAt > horizon) {
                continue;
            }
            RequestTable table = batch.table;
            IntList originals = new IntList();
            table.forEachOfModel(number, ordinal -> {
                if (!table.isCopy(ordinal) && table.twin(ordinal) < 0 && states.contains(table.kind(ordinal))) {
                    originals.add(ordinal);
                }
            });
            if (originals.size() > 0) {
                tx.apply(batch, new Effect.Escalate(originals.toArray(), routedTo, apiKey));
                created += originals.size();
            }
        }
        return created;
    }

    Optional<RequestId> findPendingEscalation(RequestId original) {
        StoreState.Located located = state.locate(original);
        if (located == null || located.table().isCopy(located.ordinal())) {
            return Optional.empty();
        }
        int copy = located.table().twin(located.ordinal());
        if (copy < 0 || located.table().kind(copy).terminal()) {
            return Optional.empty();
        }
        return Optional.of(DerivedIds.request(located.batch().id, copy));
    }

    /** Running batches whose deadline is in ({@code from}, {@code to}], with their originals in {@code states}. */
    Map<BatchId, Long> originalsByDeadline(long from, long to, Set<RequestStateKind> states) {
        Map<BatchId, Long> result = new LinkedHashMap<>();
        for (BatchEntry batch : Views.sortedBatches(state)) {
            if (batch.running() && batch.table != null && batch.expiresAt > from && batch.expiresAt <= to) {
                long[] kinds = batch.table.originalKinds();
                long count = 0;
                for (RequestStateKind kind : states) {
                    count += kinds[kind.ordinal()];
                }
                if (count > 0) {
                    result.put(batch.id, count);
                }
            }
        }
        return result;
    }

    /** Demand per model and cumulative deadline bucket, over running batches. */
    Map<String, Map<String, Long>> pendingCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                 Set<String> models, long now) {
        Map<String, Map<String, Long>> result = new TreeMap<>();
        for (BatchEntry batch : state.batches.values()) {
            if (!batch.running() || batch.table == null) {
                continue;
            }
            for (Map.Entry<Integer, long[]> e : batch.table.modelKinds().entrySet()) {
                String model = state.models.value(e.getKey());
                if (models != null && !models.isEmpty() && !models.contains(model)) {
                    continue;
                }
                long count = 0;
                for (RequestStateKind kind : states) {
                    count += e.getValue()[kind.ordinal()];
                }
                if (count == 0) {
                    continue;
                }
                Map<String, Long> buckets = result.computeIfAbsent(model, m -> {
                    Map<String, Long> empty = new LinkedHashMap<>();
                    windows.forEach(w -> empty.put(w.label(), 0L));
                    return empty;
                });
                for (PendingCountWindow window : windows) {
                    if (batch.expiresAt <= now + window.within().toNanos()) {
                        buckets.merge(window.label(), count, Long::sum);
                    }
                }
            }
        }
        return result;
    }
}
