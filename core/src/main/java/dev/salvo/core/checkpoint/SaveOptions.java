package dev.salvo.core.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * What a caller may attach to a checkpoint saved through {@link CheckpointManager}: all of it reaches
 * the store (cortexai's builder dropped tags and custom entries; this one does not).
 */
public record SaveOptions(String label, List<String> tags, Map<String, String> custom) {

    public SaveOptions {
        tags = tags == null ? List.of() : List.copyOf(tags);
        custom = custom == null ? Map.of() : Map.copyOf(custom);
    }

    public static SaveOptions none() {
        return new SaveOptions(null, List.of(), Map.of());
    }

    public static SaveOptions labelled(String label) {
        return new SaveOptions(label, List.of(), Map.of());
    }

    public SaveOptions withTags(String... newTags) {
        return new SaveOptions(label, List.of(newTags), custom);
    }

    public SaveOptions withCustom(Map<String, String> newCustom) {
        return new SaveOptions(label, tags, newCustom);
    }
}
