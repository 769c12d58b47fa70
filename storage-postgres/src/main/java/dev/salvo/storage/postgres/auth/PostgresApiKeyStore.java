package dev.salvo.storage.postgres.auth;

import static dev.salvo.storage.postgres.jooq.Tables.API_KEYS;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyRules;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import dev.salvo.storage.postgres.jooq.tables.ApiKeys;
import dev.salvo.storage.postgres.jooq.tables.records.ApiKeysRecord;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * {@link ApiKeyStore} on PostgreSQL: one row per key in {@code api_keys}, found by the unique index on
 * the digest. Every operation is one statement (a revoke of an already revoked key, two), so any number
 * of replicas and {@code salvo keys} processes share the table, and a key created or revoked anywhere
 * counts on the next request everywhere: nothing is cached.
 *
 * <p>A revoke is a compare-and-set ({@code revoked_at is null}), so concurrent revokes agree on the
 * first one's time. The store does not own its connections: whoever opened the pool closes it.
 */
public final class PostgresApiKeyStore implements ApiKeyStore {

    private static final ApiKeys K = API_KEYS;

    private final DSLContext dsl;
    private final Clock clock;

    public PostgresApiKeyStore(DSLContext dsl, Clock clock) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ApiKey create(NewApiKey request) {
        ApiKey key = ApiKeyRules.newKey(request, clock);
        int inserted = run("create an API key", () -> dsl.insertInto(K)
                .set(K.ID, key.id().value())
                .set(K.DIGEST, request.digest().bytes())
                .set(K.PRINCIPAL, key.principal())
                .set(K.IS_ADMIN, key.admin())
                .set(K.HINT, key.hint())
                .set(K.CREATED_AT, key.createdAt())
                .setNull(K.REVOKED_AT)
                .onConflict(K.DIGEST)
                .doNothing()
                .execute());
        if (inserted == 0) {
            throw new ApiKeyStoreException.Conflict("a key with this digest is already stored");
        }
        return key;
    }

    @Override
    public Optional<ApiKey> findByDigest(ApiKeyDigest digest) {
        if (digest == null) {
            return Optional.empty();
        }
        return run("find an API key by digest", () -> dsl.selectFrom(K)
                .where(K.DIGEST.eq(digest.bytes()))
                .and(K.REVOKED_AT.isNull())
                .fetchOptional()
                .map(PostgresApiKeyStore::key));
    }

    @Override
    public Optional<ApiKey> get(ApiKeyId id) {
        if (id == null) {
            return Optional.empty();
        }
        return run("get API key " + id, () -> dsl.selectFrom(K).where(K.ID.eq(id.value())).fetchOptional()
                .map(PostgresApiKeyStore::key));
    }

    @Override
    public List<ApiKey> list() {
        return run("list API keys", () -> dsl.selectFrom(K).orderBy(K.CREATED_AT, K.ID).fetch(PostgresApiKeyStore::key));
    }

    @Override
    public ApiKey revoke(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        return run("revoke API key " + id, () -> {
            Optional<ApiKeysRecord> revoked = dsl.update(K)
                    .set(K.REVOKED_AT, ApiKeyRules.now(clock))
                    .where(K.ID.eq(id.value()))
                    .and(K.REVOKED_AT.isNull())
                    .returning()
                    .fetchOptional();
            if (revoked.isPresent()) {
                return key(revoked.get());
            }
            // Absent, or revoked before (by this call's competitors too: the update waited for them).
            return dsl.selectFrom(K).where(K.ID.eq(id.value())).fetchOptional()
                    .map(PostgresApiKeyStore::key)
                    .orElseThrow(() -> new ApiKeyStoreException.NotFound(id));
        });
    }

    private static ApiKey key(ApiKeysRecord row) {
        return new ApiKey(new ApiKeyId(row.getId()), row.getPrincipal(), row.getIsAdmin(), row.getHint(),
                row.getCreatedAt(), row.getRevokedAt());
    }

    private static <T> T run(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw new ApiKeyStoreException.Backend(action + " failed", e);
        }
    }
}
