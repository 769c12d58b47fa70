package dev.salvo.core.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A loaded checkpoint: its metadata and its opaque state bytes, exactly as they were saved.
 *
 * <p>The array is not copied on the way out (states can be large); callers own the instance they get.
 */
public record Checkpoint(CheckpointMetadata metadata, byte[] state) {

    public Checkpoint {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(state, "state");
    }

    public String id() {
        return metadata.id();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that
                && metadata.equals(that.metadata)
                && Arrays.equals(state, that.state);
    }

    @Override
    public int hashCode() {
        return 31 * metadata.hashCode() + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + metadata + ", state=" + state.length + " bytes]";
    }
}
