package dev.salvo.core.checkpoint;

import java.util.Objects;

/**
 * The one error family of the checkpoint port. Every adapter throws exactly these kinds, so callers
 * (and the conformance suite) can rely on the kind, not on the message.
 */
public abstract sealed class CheckpointException extends RuntimeException
        permits CheckpointException.NotFound,
                CheckpointException.ThreadNotFound,
                CheckpointException.Serialization,
                CheckpointException.Storage,
                CheckpointException.InvalidState {

    private CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The thread has checkpoints, but none with this id. */
    public static final class NotFound extends CheckpointException {
        private final String threadId;
        private final String checkpointId;

        public NotFound(String threadId, String checkpointId) {
            super("Checkpoint not found: " + checkpointId + " in thread " + threadId, null);
            this.threadId = threadId;
            this.checkpointId = checkpointId;
        }

        public String threadId() {
            return threadId;
        }

        public String checkpointId() {
            return checkpointId;
        }
    }

    /** The thread has no checkpoints at all (a thread exists iff it has at least one). */
    public static final class ThreadNotFound extends CheckpointException {
        private final String threadId;

        public ThreadNotFound(String threadId) {
            super("Thread not found: " + threadId, null);
            this.threadId = threadId;
        }

        public String threadId() {
            return threadId;
        }
    }

    /** Stored metadata could not be encoded or decoded. */
    public static final class Serialization extends CheckpointException {
        public Serialization(String message, Throwable cause) {
            super("Serialization error: " + message, cause);
        }
    }

    /** The backend failed (I/O, database, lock); the operation may or may not have taken effect only where the adapter says so. */
    public static final class Storage extends CheckpointException {
        public Storage(String message, Throwable cause) {
            super("Storage error: " + message, cause);
        }
    }

    /** The request cannot be applied: a bad argument or a conflict with what is stored. Nothing changed. */
    public static final class InvalidState extends CheckpointException {
        private final Reason reason;

        public InvalidState(Reason reason, String message) {
            super("Invalid state: " + message, null);
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        public Reason reason() {
            return reason;
        }
    }

    /** Why an {@link InvalidState} was raised; lets the HTTP layer tell a conflict (409) from bad input (400). */
    public enum Reason {
        /** A thread or checkpoint id is not path-safe, empty or too long. */
        INVALID_ID,
        /** {@code metadata.threadId} differs from the thread the checkpoint is saved into. */
        THREAD_MISMATCH,
        /** The thread already holds a checkpoint with this id. */
        DUPLICATE_ID,
        /** Any other argument out of range (a limit below one, a negative keep count). */
        INVALID_ARGUMENT
    }
}
