package dev.salvo.core.checkpoint;

import java.util.Objects;

/**
 * The one error family of the checkpoint port, shaped like the other ports' families
 * ({@code BatchStorageException}, {@code ApiKeyStoreException}): {@link NotFound} (with the {@link Entity}
 * that is missing), {@link Validation}, {@link Conflict} and {@link Backend}, plus one kind of its own,
 * {@link Corrupt}, for stored data that cannot be decoded. Every adapter throws exactly these kinds, so
 * callers (and the conformance suite) can rely on the kind, not on the message.
 */
public abstract sealed class CheckpointException extends RuntimeException
        permits CheckpointException.NotFound,
                CheckpointException.Validation,
                CheckpointException.Conflict,
                CheckpointException.Backend,
                CheckpointException.Corrupt {

    private CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What kind of thing was not found. */
    public enum Entity {
        /** The thread has no checkpoints at all (a thread exists iff it has at least one). */
        THREAD,
        /** The thread has checkpoints, but none with this id. */
        CHECKPOINT
    }

    /** Why a {@link Validation} was raised; lets the HTTP layer tell a bad id from another bad value. */
    public enum Reason {
        /** An owner, thread or checkpoint id is not path-safe, empty or too long. */
        INVALID_ID,
        /** {@code metadata.threadId} differs from the thread the checkpoint is saved into. */
        THREAD_MISMATCH,
        /** Any other argument missing or out of range (a limit below one, a negative keep count, NUL in text). */
        INVALID_ARGUMENT
    }

    /** The thread, or a checkpoint in it, does not exist. Nothing changed. */
    public static final class NotFound extends CheckpointException {
        private final Entity entity;
        private final ThreadKey thread;
        private final String checkpointId;

        /**
         * @param checkpointId the missing checkpoint for {@link Entity#CHECKPOINT}; must be null for
         *                     {@link Entity#THREAD}
         */
        public NotFound(Entity entity, ThreadKey thread, String checkpointId) {
            super(message(entity, thread, checkpointId), null);
            this.entity = entity;
            this.thread = thread;
            this.checkpointId = checkpointId;
        }

        /** The thread has no checkpoints. */
        public static NotFound thread(ThreadKey thread) {
            return new NotFound(Entity.THREAD, thread, null);
        }

        /** The thread has checkpoints, but not this one. */
        public static NotFound checkpoint(ThreadKey thread, String checkpointId) {
            return new NotFound(Entity.CHECKPOINT, thread, Objects.requireNonNull(checkpointId, "checkpointId"));
        }

        private static String message(Entity entity, ThreadKey thread, String checkpointId) {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(thread, "thread");
            if ((entity == Entity.CHECKPOINT) != (checkpointId != null)) {
                throw new IllegalArgumentException("a checkpoint id is given exactly when a checkpoint is missing");
            }
            return entity == Entity.THREAD
                    ? "Thread not found: " + describe(thread)
                    : "Checkpoint not found: " + checkpointId + " in " + describe(thread);
        }

        public Entity entity() {
            return entity;
        }

        public ThreadKey thread() {
            return thread;
        }

        /** The missing checkpoint's id; null when the whole thread is missing. */
        public String checkpointId() {
            return checkpointId;
        }

        /** The missing id: the checkpoint's, or the thread's when the thread is missing. */
        public String id() {
            return entity == Entity.THREAD ? thread.threadId() : checkpointId;
        }
    }

    /** The input is not acceptable (a bad id, a metadata thread that is not the target thread, a bad argument). Nothing was read or written. */
    public static final class Validation extends CheckpointException {
        private final Reason reason;

        public Validation(Reason reason, String message) {
            super(message, null);
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        public Reason reason() {
            return reason;
        }
    }

    /** The thread already holds a checkpoint with this id. Nothing changed; repeating the call cannot succeed. */
    public static final class Conflict extends CheckpointException {
        private final ThreadKey thread;
        private final String checkpointId;

        public Conflict(ThreadKey thread, String checkpointId) {
            super("Checkpoint already exists: " + checkpointId + " in " + describe(Objects.requireNonNull(thread, "thread")),
                    null);
            this.thread = thread;
            this.checkpointId = Objects.requireNonNull(checkpointId, "checkpointId");
        }

        public ThreadKey thread() {
            return thread;
        }

        public String checkpointId() {
            return checkpointId;
        }
    }

    /**
     * The backend failed (I/O, database, a closed store). Transient as far as the caller can tell: the same
     * call may succeed later. A failed write took no effect unless the adapter documents otherwise.
     */
    public static final class Backend extends CheckpointException {
        public Backend(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Stored data cannot be decoded (damaged metadata, an unknown format, a row another program wrote).
     * Unlike {@link Backend}, retrying will not help until someone repairs the data.
     */
    public static final class Corrupt extends CheckpointException {
        public Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(ThreadKey thread) {
        return "thread " + thread.threadId() + " of owner " + thread.owner();
    }
}
