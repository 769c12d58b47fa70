package dev.salvo.storage.filesystem.auth;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a separate JVM by {@link FilesystemApiKeyStoreProcessTest}, as {@code salvo keys} would be beside
 * a server: {@code create <data-dir> <secret-prefix> <count>} or {@code revoke <data-dir> <key-id>}.
 * Prints one line per outcome.
 */
public final class KeyProbe {

    private KeyProbe() {
    }

    public static void main(String[] args) {
        try (FilesystemApiKeyStore store = FilesystemApiKeyStore.open(Path.of(args[1]), Clock.systemUTC())) {
            switch (args[0]) {
                case "create" -> {
                    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                        String secret = args[2] + i;
                        try {
                            ApiKey key = store.create(new NewApiKey(ApiKeyDigest.of(secret), "probe", false, "abcd"));
                            System.out.println("created " + key.id());
                        } catch (ApiKeyStoreException.Conflict e) {
                            System.out.println("conflict");
                        }
                    }
                }
                case "revoke" -> System.out.println("revoked " + store.revoke(ApiKeyId.parse(args[2])).revokedAt());
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.exit(0);
    }
}
