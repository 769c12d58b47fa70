package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.RequestStateKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes one operation makes, collected while the store's lock is held: each effect is applied to
 * memory at once (later decisions of the same operation see it) and recorded; {@link #submit} then
 * reserves one log line per touched batch and hands everything to the group commit. The caller waits
 * for durability after releasing the lock.
 */
final class Tx {

    private final StoreState state;
    private final Map<BatchEntry, List<Effect>> effects = new LinkedHashMap<>();
    private final List<AppendFile.PendingWrite> writes = new ArrayList<>();
    private final List<BatchEntry> dirty = new ArrayList<>();
    private boolean lazy;

    Tx(StoreState state) {
        this.state = state;
    }

    void apply(BatchEntry entry, Effect effect) {
        try {
            entry.apply(effect, state);
        } catch (IOException e) {
            // Live effects are validated before they are applied; only a bug gets here.
            throw new IllegalStateException("cannot apply " + effect.getClass().getSimpleName() + " to batch " + entry.id, e);
        }
        // The published view stays the one of the last finished change until this change publishes its own
        // (a lock-free read meanwhile answers with the state before this change, which is not finished yet).
        effects.computeIfAbsent(entry, e -> new ArrayList<>()).add(effect);
    }

    /** Publishes the new view of every batch this change touched; runs under the lock, after the change succeeded. */
    void publishViews() {
        for (BatchEntry entry : effects.keySet()) {
            entry.published = entry.view();
        }
    }

    /**
     * Withdraws the published view of every batch this change touched, when it failed after applying
     * effects: memory no longer matches the log, so reads go through the lock, which reports the failure.
     */
    void withdrawViews() {
        for (BatchEntry entry : effects.keySet()) {
            entry.published = null;
        }
    }

    /** Reserves a result record in the batch's log, ahead of the change record pointing at it; returns its offset. */
    long reserveResult(BatchEntry entry, byte[] record) {
        AppendFile.PendingWrite write = entry.log.reserve(record);
        writes.add(write);
        return write.position();
    }

    boolean hasApplied() {
        return !effects.isEmpty();
    }

    /**
     * Reserves the log lines and queues all writes; returns the sequence to await, 0 if nothing changed.
     * After it, {@link #needsDurability} tells whether the caller must wait for that sequence.
     */
    long submit() {
        if (effects.isEmpty() && writes.isEmpty()) {
            return 0;
        }
        // Result records (completions, failures) are never lazy; everything else is checked per effect.
        lazy = writes.isEmpty();
        for (Map.Entry<BatchEntry, List<Effect>> e : effects.entrySet()) {
            BatchEntry entry = e.getKey();
            writes.add(entry.log.reserve(Effect.encode(e.getValue())));
            boolean snapshotChanged = entry.hasTerminalStamp() || entry.deleted();
            for (Effect effect : e.getValue()) {
                snapshotChanged |= BatchEntry.batchLevel(effect);
                lazy &= lossHarmless(effect);
            }
            if (snapshotChanged) {
                entry.headerDirty = true;
                dirty.add(entry);
            }
        }
        lazy &= dirty.isEmpty();
        return state.commit.submit(writes, !lazy);
    }

    /**
     * Whether the caller must wait until the submitted writes are durable before returning. The rule:
     * <b>claims and starts are durable within one group-commit interval; every result is durable when
     * the call returns.</b> A change made only of claims (pending → claimed) and starts (claimed →
     * processing) is appended without waiting for its force; the flusher forces it with the next group
     * (it is already queued, so that is at most one group-commit interval later). Losing such a line in a
     * crash is harmless: on reopen the request is pending again — exactly what stale-claim recovery does
     * for a dead daemon, and the daemon's contract is at-least-once calls. Order is kept because the log
     * is append-only and written in reservation order: whatever is durable later (a completion, a
     * failure) was reserved after the claim and start lines, is written in the same or a later group, and
     * its force makes them durable too; and a lost tail is cut on reopen like any torn record. Replay
     * applies each state line as a complete state (see {@link Effect.StateWrite}), so a result line never
     * depends on the start line before it. Everything else — results, retries, cancels, reclaims, batch
     * stamps, and any change that dates a batch snapshot — waits for durability.
     */
    boolean needsDurability() {
        return !lazy;
    }

    /** Claims and claimed/processing state writes: the only effects whose loss in a crash is harmless. */
    private static boolean lossHarmless(Effect effect) {
        return switch (effect) {
            case Effect.Claim c -> true;
            case Effect.Write w -> w.state().kind() == RequestStateKind.CLAIMED
                    || w.state().kind() == RequestStateKind.PROCESSING;
            default -> false;
        };
    }

    /** Batches whose {@code batch.json} snapshot is out of date after this change. */
    List<BatchEntry> dirty() {
        return dirty;
    }
}
