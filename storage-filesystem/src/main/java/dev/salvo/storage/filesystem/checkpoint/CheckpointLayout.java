package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.storage.filesystem.io.DataDirectory;
import java.nio.file.Path;

/**
 * Where checkpoints live: {@code {root}/checkpoints/{threadId}/{sequence:020d}_{checkpointId}.meta.json}
 * and {@code .state} beside it. Every path is built through {@link DataDirectory#resolve}.
 */
final class CheckpointLayout {

    static final String CHECKPOINTS_DIRECTORY = "checkpoints";

    private final DataDirectory dataDirectory;

    CheckpointLayout(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    Path checkpointsDirectory() {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY);
    }

    Path threadDirectory(String threadId) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, threadId);
    }

    Path metaFile(String threadId, CheckpointFileName name) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, threadId, name.metaFile());
    }

    Path stateFile(String threadId, CheckpointFileName name) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, threadId, name.stateFile());
    }

    Path root() {
        return dataDirectory.root();
    }
}
