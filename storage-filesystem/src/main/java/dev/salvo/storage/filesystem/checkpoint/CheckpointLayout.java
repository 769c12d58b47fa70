package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.nio.file.Path;

/**
 * Where checkpoints live:
 * {@code {root}/checkpoints/{owner}/{threadId}/{sequence:020d}_{checkpointId}.meta.json} and {@code .state}
 * beside it. Every path is built through {@link DataDirectory#resolve}, from ids the domain has already
 * checked ({@link ThreadKey} cannot hold an unsafe one).
 *
 * <p>{@value #STAGING_DIRECTORY} holds thread directories of the layout before owners while
 * {@link OwnerLayoutMigration} moves them; its name has a character no owner or thread id can have.
 */
final class CheckpointLayout {

    static final String CHECKPOINTS_DIRECTORY = "checkpoints";
    static final String STAGING_DIRECTORY = "~legacy-threads";

    private final DataDirectory dataDirectory;

    CheckpointLayout(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    Path checkpointsDirectory() {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY);
    }

    Path ownerDirectory(String owner) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, owner);
    }

    Path threadDirectory(ThreadKey thread) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, thread.owner(), thread.threadId());
    }

    Path metaFile(ThreadKey thread, CheckpointFileName name) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, thread.owner(), thread.threadId(), name.metaFile());
    }

    Path stateFile(ThreadKey thread, CheckpointFileName name) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, thread.owner(), thread.threadId(), name.stateFile());
    }

    /** A directory directly under {@code checkpoints/}: an owner's, or a thread's in the layout before owners. */
    Path topLevelDirectory(String name) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, name);
    }

    Path stagingDirectory() {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, STAGING_DIRECTORY);
    }

    Path stagedThreadDirectory(String legacyThreadId) {
        return dataDirectory.resolve(CHECKPOINTS_DIRECTORY, STAGING_DIRECTORY, legacyThreadId);
    }

    Path root() {
        return dataDirectory.root();
    }
}
