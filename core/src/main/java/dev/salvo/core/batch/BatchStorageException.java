package dev.salvo.core.batch;

/**
 * The one error family of the batch and daemon storage ports, identical across adapters so callers
 * (and the conformance suite) can rely on the kind.
 */
public abstract sealed class BatchStorageException extends RuntimeException
        permits BatchStorageException.NotFound, BatchStorageException.InvalidState, BatchStorageException.Validation,
                BatchStorageException.Conflict, BatchStorageException.Backend {

    private BatchStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What kind of thing was not found. */
    public enum Entity { FILE, BATCH, REQUEST, DAEMON }

    /** The id does not exist (or was deleted). */
    public static final class NotFound extends BatchStorageException {
        private final Entity entity;
        private final String id;

        public NotFound(Entity entity, Object id) {
            super(entity.name().charAt(0) + entity.name().substring(1).toLowerCase(java.util.Locale.ROOT)
                    + " not found: " + id, null);
            this.entity = entity;
            this.id = String.valueOf(id);
        }

        public Entity entity() {
            return entity;
        }

        public String id() {
            return id;
        }
    }

    /** The operation does not apply to the thing in its current state (e.g. cancelling a completed batch). Nothing changed. */
    public static final class InvalidState extends BatchStorageException {
        public InvalidState(String message) {
            super(message, null);
        }
    }

    /** The input is not acceptable (an empty file, an unknown filter value, a bad completion window). Nothing changed. */
    public static final class Validation extends BatchStorageException {
        public Validation(String message) {
            super(message, null);
        }
    }

    /** A concurrent change got there first; retrying the whole operation may succeed. */
    public static final class Conflict extends BatchStorageException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** The backend failed (I/O, database). */
    public static final class Backend extends BatchStorageException {
        public Backend(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
