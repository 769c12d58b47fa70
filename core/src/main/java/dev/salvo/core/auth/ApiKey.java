package dev.salvo.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored API key as every store returns it. There is no secret in it (none is stored) and not even the
 * digest: what a store hands out can be listed and logged as it is.
 *
 * @param id        assigned by the store at creation
 * @param principal the tenant the key authenticates as
 * @param admin     whether it carries admin rights
 * @param hint      the non-secret display hint given at creation
 * @param createdAt from the store's clock, at millisecond precision
 * @param revokedAt when it was first revoked, at millisecond precision; {@code null} while it is active
 */
public record ApiKey(ApiKeyId id, String principal, boolean admin, String hint, Instant createdAt, Instant revokedAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A revoked key no longer authenticates; it stays listed. */
    public boolean revoked() {
        return revokedAt != null;
    }

    /** This key, revoked at {@code when} (which is kept if it already was revoked). */
    public ApiKey revoke(Instant when) {
        return revoked() ? this : new ApiKey(id, principal, admin, hint, createdAt, Objects.requireNonNull(when, "when"));
    }
}
