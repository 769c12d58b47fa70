package dev.salvo.core.auth;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The secrets of stored API keys: {@value #PREFIX} followed by {@value #RANDOM_LENGTH} base62 characters
 * from {@link SecureRandom} (about 256 bits). The secret is shown to its owner once and never stored;
 * stores keep its {@link ApiKeyDigest} and the {@link #hint} only.
 */
public final class ApiKeySecrets {

    public static final String PREFIX = "sk-salvo-";
    public static final int RANDOM_LENGTH = 43;

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HINT_LENGTH = 4;

    private ApiKeySecrets() {
    }

    /** A new secret. Uniform over the alphabet: values are drawn by rejection, never by a biased modulo. */
    public static String generate() {
        StringBuilder secret = new StringBuilder(PREFIX.length() + RANDOM_LENGTH).append(PREFIX);
        while (secret.length() < PREFIX.length() + RANDOM_LENGTH) {
            int value = RANDOM.nextInt() & 0x3f;      // 0..63: 62 and 63 are rejected
            if (value < BASE62.length) {
                secret.append(BASE62[value]);
            }
        }
        return secret.toString();
    }

    /** The non-secret display hint of a secret: its last four characters. */
    public static String hint(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length() < PREFIX.length() + HINT_LENGTH) {
            throw new IllegalArgumentException("too short to be an API key secret");
        }
        return secret.substring(secret.length() - HINT_LENGTH);
    }

    /** The request that stores {@code secret} for {@code principal}. */
    public static NewApiKey newKey(String secret, String principal, boolean admin) {
        return new NewApiKey(ApiKeyDigest.of(secret), principal, admin, hint(secret));
    }
}
