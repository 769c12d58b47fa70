package dev.salvo.core.auth;

import java.util.List;
import java.util.Optional;

/**
 * Port: API keys created at run time ({@code salvo keys create}), held only as the SHA-256 digest of their
 * secret. The HTTP layer authenticates a presented key by its digest; operators list and revoke keys by id.
 *
 * <p>Semantics every adapter shares (and the conformance suite checks):
 * <ul>
 *   <li>{@link #create} validates with {@link ApiKeyRules#validate(NewApiKey)} first: a bad request is
 *       {@link ApiKeyStoreException.Validation} and nothing is stored. The store assigns the id and
 *       {@code createdAt} ({@link ApiKeyRules#newKey}); a digest may be stored once only
 *       ({@link ApiKeyStoreException.Conflict}), revoked or not.</li>
 *   <li>{@link #findByDigest} finds active keys only: a revoked key no longer authenticates.</li>
 *   <li>{@link #revoke} is idempotent: revoking again changes nothing and keeps the first {@code revokedAt}.</li>
 *   <li>Nothing returned carries a secret or a digest.</li>
 *   <li>Changes become visible to every instance over the same data (another process included, where the
 *       adapter allows several) without a restart.</li>
 * </ul>
 * Implementations are thread-safe. Every method throws only {@link ApiKeyStoreException} kinds.
 */
public interface ApiKeyStore {

    /**
     * Stores a new, active key and returns it as stored.
     *
     * @throws ApiKeyStoreException.Validation if {@code key} breaks {@link ApiKeyRules}
     * @throws ApiKeyStoreException.Conflict if a key with this digest is already stored
     */
    ApiKey create(NewApiKey key);

    /** The active key with this digest; empty if there is none or it has been revoked. */
    Optional<ApiKey> findByDigest(ApiKeyDigest digest);

    /** The key with this id, revoked or not. */
    Optional<ApiKey> get(ApiKeyId id);

    /** Every key, revoked ones included, oldest first: by {@code createdAt}, then by id ({@link ApiKeyId#compareTo}). */
    List<ApiKey> list();

    /**
     * Revokes a key and returns it as stored afterwards. Revoking a revoked key changes nothing.
     *
     * @throws ApiKeyStoreException.NotFound if no key has this id
     */
    ApiKey revoke(ApiKeyId id);
}
