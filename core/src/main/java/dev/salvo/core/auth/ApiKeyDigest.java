package dev.salvo.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SHA-256 digest of an API key's secret: all a store ever keeps of the secret. Held as 64 lowercase
 * hex digits so that it compares by value.
 *
 * <p>A digest is not the secret, but there is no reason to print it either: {@link #toString()} shows
 * only its first eight digits.
 */
public record ApiKeyDigest(String hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public ApiKeyDigest {
        Objects.requireNonNull(hex, "hex");
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 digest is 64 lowercase hex digits");
        }
    }

    /** The digest of {@code secret} (its UTF-8 bytes). */
    public static ApiKeyDigest of(String secret) {
        Objects.requireNonNull(secret, "secret");
        return fromBytes(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** @throws IllegalArgumentException unless {@code hex} is 64 hex digits (either case) */
    public static ApiKeyDigest fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        return new ApiKeyDigest(hex.toLowerCase(java.util.Locale.ROOT));
    }

    /** @throws IllegalArgumentException unless {@code sha256} has 32 bytes */
    public static ApiKeyDigest fromBytes(byte[] sha256) {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes");
        }
        return new ApiKeyDigest(HexFormat.of().formatHex(sha256));
    }

    /** The 32 digest bytes (a fresh copy). */
    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return "ApiKeyDigest[sha256:" + hex.substring(0, 8) + "…]";
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
