package dev.salvo.core.checkpoint;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a store knows about one checkpoint except its state bytes.
 *
 * <p>{@code parentId} is kept exactly as the caller gives it, which allows branches inside one thread.
 * {@code sequence} and {@code stateSize} are assigned by the store when the checkpoint is saved:
 * the sequence is the per-thread, strictly increasing order every listing uses (never
 * {@code createdAt}, which ties easily), and the size is the length of the stored bytes. Before a save
 * both are whatever the caller passed and are ignored.
 *
 * <p>{@code createdAt} is truncated to microseconds so every backend (PostgreSQL keeps microseconds)
 * returns the same value it was given.
 *
 * @param id         checkpoint id, unique within the thread
 * @param threadId   owning thread; must equal the thread the checkpoint is saved into
 * @param createdAt  creation time (epoch seconds on the wire)
 * @param parentId   the checkpoint this one continues from, or {@code null} for a root
 * @param step       caller-defined step number in the run
 * @param label      optional human-readable label, or {@code null}
 * @param tags       free tags for filtering (never null)
 * @param stateSize  length of the state bytes in bytes (store-assigned)
 * @param custom     extra string metadata (never null)
 * @param sequence   per-thread order assigned by the store; 0 before the checkpoint is saved
 */
public record CheckpointMetadata(
        String id,
        String threadId,
        Instant createdAt,
        String parentId,
        long step,
        String label,
        List<String> tags,
        long stateSize,
        Map<String, String> custom,
        long sequence) {

    public CheckpointMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(createdAt, "createdAt");
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
        tags = tags == null ? List.of() : List.copyOf(tags);
        // Sorted so that every adapter (JSON files, jsonb) hands back the same iteration order.
        custom = custom == null ? Map.of() : sortedCopy(custom);
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative");
        }
        if (stateSize < 0 || sequence < 0) {
            throw new IllegalArgumentException("stateSize and sequence must not be negative");
        }
    }

    private static Map<String, String> sortedCopy(Map<String, String> source) {
        TreeMap<String, String> copy = new TreeMap<>();
        source.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "custom key"), Objects.requireNonNull(v, "custom value")));
        return Collections.unmodifiableMap(copy);
    }

    /** A fresh root checkpoint's metadata: no parent, label, tags or custom entries. */
    public static CheckpointMetadata of(String id, String threadId, Instant createdAt, long step) {
        return new CheckpointMetadata(id, threadId, createdAt, null, step, null, List.of(), 0, Map.of(), 0);
    }

    public Optional<String> parent() {
        return Optional.ofNullable(parentId);
    }

    public Optional<String> labelValue() {
        return Optional.ofNullable(label);
    }

    public CheckpointMetadata withParentId(String newParentId) {
        return new CheckpointMetadata(id, threadId, createdAt, newParentId, step, label, tags, stateSize, custom, sequence);
    }

    public CheckpointMetadata withLabel(String newLabel) {
        return new CheckpointMetadata(id, threadId, createdAt, parentId, step, newLabel, tags, stateSize, custom, sequence);
    }

    public CheckpointMetadata withTags(List<String> newTags) {
        return new CheckpointMetadata(id, threadId, createdAt, parentId, step, label, newTags, stateSize, custom, sequence);
    }

    public CheckpointMetadata withCustom(Map<String, String> newCustom) {
        return new CheckpointMetadata(id, threadId, createdAt, parentId, step, label, tags, stateSize, newCustom, sequence);
    }

    /** The metadata as a store records it: the sequence it assigned and the size of the bytes it kept. */
    public CheckpointMetadata asStored(long assignedSequence, long storedStateSize) {
        return new CheckpointMetadata(id, threadId, createdAt, parentId, step, label, tags, storedStateSize, custom, assignedSequence);
    }
}
