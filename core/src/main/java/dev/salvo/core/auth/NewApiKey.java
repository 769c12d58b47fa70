package dev.salvo.core.auth;

/**
 * What a caller asks an {@link ApiKeyStore} to create. Deliberately unvalidated: every store checks it
 * with {@link ApiKeyRules#validate(NewApiKey)} and rejects a bad one with
 * {@link ApiKeyStoreException.Validation}, storing nothing, so all adapters reject exactly the same inputs.
 *
 * @param digest    SHA-256 of the secret; the secret itself never reaches a store
 * @param principal the tenant the key authenticates as ({@link ApiKeyRules#PRINCIPAL})
 * @param admin     whether the key carries admin rights
 * @param hint      a short, non-secret reminder of the key for listings, typically its last 4 characters
 *                  ({@link ApiKeyRules#HINT})
 */
public record NewApiKey(ApiKeyDigest digest, String principal, boolean admin, String hint) {
}
