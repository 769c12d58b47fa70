package dev.salvo.storage.filesystem.batch;

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
        effects.computeIfAbsent(entry, e -> new ArrayList<>()).add(effect);
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

    /** Reserves the log lines and queues all writes; returns the sequence to await, 0 if nothing changed. */
    long submit() {
        if (effects.isEmpty() && writes.isEmpty()) {
            return 0;
        }
        for (Map.Entry<BatchEntry, List<Effect>> e : effects.entrySet()) {
            BatchEntry entry = e.getKey();
            writes.add(entry.log.reserve(Effect.encode(e.getValue())));
            boolean snapshotChanged = entry.hasTerminalStamp() || entry.deleted();
            for (Effect effect : e.getValue()) {
                snapshotChanged |= BatchEntry.batchLevel(effect);
            }
            if (snapshotChanged) {
                entry.headerDirty = true;
                dirty.add(entry);
            }
        }
        return state.commit.submit(writes);
    }

    /** Batches whose {@code batch.json} snapshot is out of date after this change. */
    List<BatchEntry> dirty() {
        return dirty;
    }
}
