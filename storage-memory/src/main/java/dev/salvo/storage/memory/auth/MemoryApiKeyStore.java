package dev.salvo.storage.memory.auth;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyRules;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ApiKeyStore} in memory: the reference semantics, gone with the process. Keys live in two maps
 * (by id, and id by digest) guarded by the store's monitor; the number of keys is small and every
 * operation is a map lookup, so one lock is plenty.
 */
public final class MemoryApiKeyStore implements ApiKeyStore {

    private static final Comparator<ApiKey> LIST_ORDER = Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id);

    private final Clock clock;
    private final Map<ApiKeyId, ApiKey> byId = new HashMap<>();
    private final Map<ApiKeyDigest, ApiKeyId> idByDigest = new HashMap<>();

    public MemoryApiKeyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized ApiKey create(NewApiKey key) {
        ApiKeyRules.validate(key);
        if (idByDigest.containsKey(key.digest())) {
            throw new ApiKeyStoreException.Conflict("a key with this digest is already stored");
        }
        ApiKey stored = ApiKeyRules.newKey(key, clock);
        byId.put(stored.id(), stored);
        idByDigest.put(key.digest(), stored.id());
        return stored;
    }

    @Override
    public synchronized Optional<ApiKey> findByDigest(ApiKeyDigest digest) {
        // HashMap answers null for a null key: an unknown or absent digest simply finds nothing.
        return Optional.ofNullable(byId.get(idByDigest.get(digest))).filter(key -> !key.revoked());
    }

    @Override
    public synchronized Optional<ApiKey> get(ApiKeyId id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<ApiKey> list() {
        return byId.values().stream().sorted(LIST_ORDER).toList();
    }

    @Override
    public synchronized ApiKey revoke(ApiKeyId id) {
        ApiKey key = byId.get(id);
        if (key == null) {
            throw new ApiKeyStoreException.NotFound(Objects.requireNonNull(id, "id"));
        }
        ApiKey revoked = key.revoke(ApiKeyRules.now(clock));
        byId.put(id, revoked);
        return revoked;
    }
}
