package dev.salvo.core.auth;

import java.util.Objects;

/**
 * The one error family of the API key port, identical across adapters so callers (and the conformance
 * suite) can rely on the kind. Messages never contain a secret or a digest.
 */
public abstract sealed class ApiKeyStoreException extends RuntimeException
        permits ApiKeyStoreException.NotFound, ApiKeyStoreException.Validation, ApiKeyStoreException.Conflict,
                ApiKeyStoreException.Backend {

    private ApiKeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No key has this id. */
    public static final class NotFound extends ApiKeyStoreException {
        private final ApiKeyId id;

        public NotFound(ApiKeyId id) {
            super("API key not found: " + id, null);
            this.id = Objects.requireNonNull(id, "id");
        }

        public ApiKeyId id() {
            return id;
        }
    }

    /** The request breaks {@link ApiKeyRules} (a bad principal name, hint or missing digest). Nothing changed. */
    public static final class Validation extends ApiKeyStoreException {
        public Validation(String message) {
            super(message, null);
        }
    }

    /** A key with the same digest is already stored. Nothing changed. */
    public static final class Conflict extends ApiKeyStoreException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** The backend failed (I/O, database); the operation may or may not have taken effect. */
    public static final class Backend extends ApiKeyStoreException {
        public Backend(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
