package dev.salvo.core.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * What a caller may set on a checkpoint saved through {@link CheckpointManager}. Label, tags and custom
 * entries all reach the store (cortexai's builder dropped tags and custom entries; this one does not).
 *
 * <p>{@code checkpointId}, {@code parentId} and {@code step} are normally left null, and the manager
 * then generates a time-ordered id and derives parent and step from the thread's latest checkpoint. A
 * caller sets them to retry a save idempotently (a repeated id is rejected, not duplicated) or to
 * branch from an older checkpoint.
 */
public record SaveOptions(String label, List<String> tags, Map<String, String> custom,
                          String checkpointId, String parentId, Long step) {

    public SaveOptions {
        tags = tags == null ? List.of() : List.copyOf(tags);
        custom = custom == null ? Map.of() : Map.copyOf(custom);
        if (step != null && step < 0) {
            throw new IllegalArgumentException("step must not be negative");
        }
    }

    public static SaveOptions none() {
        return new SaveOptions(null, List.of(), Map.of(), null, null, null);
    }

    public static SaveOptions labelled(String label) {
        return none().withLabel(label);
    }

    public SaveOptions withLabel(String newLabel) {
        return new SaveOptions(newLabel, tags, custom, checkpointId, parentId, step);
    }

    public SaveOptions withTags(String... newTags) {
        return withTags(List.of(newTags));
    }

    public SaveOptions withTags(List<String> newTags) {
        return new SaveOptions(label, newTags, custom, checkpointId, parentId, step);
    }

    public SaveOptions withCustom(Map<String, String> newCustom) {
        return new SaveOptions(label, tags, newCustom, checkpointId, parentId, step);
    }

    public SaveOptions withCheckpointId(String newCheckpointId) {
        return new SaveOptions(label, tags, custom, newCheckpointId, parentId, step);
    }

    public SaveOptions withParentId(String newParentId) {
        return new SaveOptions(label, tags, custom, checkpointId, newParentId, step);
    }

    public SaveOptions withStep(Long newStep) {
        return new SaveOptions(label, tags, custom, checkpointId, parentId, newStep);
    }

    boolean derivesLineage() {
        return parentId == null || step == null;
    }
}
