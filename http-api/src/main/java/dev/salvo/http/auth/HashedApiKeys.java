package dev.salvo.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * An {@link Authenticator} over a fixed set of keys held only as SHA-256 digests: the process never
 * keeps a key in plain text, and a configuration file may list digests instead of keys.
 */
public final class HashedApiKeys implements Authenticator {

    /** One accepted key: its SHA-256 digest and the principal it stands for. */
    public record Entry(byte[] sha256, Principal principal) {
        public Entry {
            if (sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes");
            }
            sha256 = sha256.clone();
        }
    }

    private final List<Entry> entries;

    public HashedApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Entry forKey(String apiKey, Principal principal) {
        return new Entry(sha256(apiKey), principal);
    }

    public static Entry forDigest(String hexDigest, Principal principal) {
        return new Entry(HexFormat.of().parseHex(hexDigest), principal);
    }

    @Override
    public Optional<Principal> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(apiKey);
        Principal match = null;
        // Compare against every entry so the time taken does not reveal which one matched.
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), presented) && match == null) {
                match = entry.principal();
            }
        }
        return Optional.ofNullable(match);
    }

    public int size() {
        return entries.size();
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
