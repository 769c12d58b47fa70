package dev.salvo.storage.filesystem.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The {@code keys/<id>.json} document: pretty-printed, snake_case, with a {@code format} number. Built and
 * read field by field (the file is an on-disk contract). It holds the SHA-256 digest of the secret, never
 * the secret.
 */
final class KeyFileCodec {

    static final int FORMAT = 1;

    /** A key as stored on disk: what the port returns plus the digest it is found by. */
    record StoredKey(ApiKey key, ApiKeyDigest digest) {
    }

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    byte[] encode(StoredKey stored) {
        ApiKey key = stored.key();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("id", key.id().toString());
        root.put("principal", key.principal());
        root.put("admin", key.admin());
        root.put("hint", key.hint());
        root.put("sha256", stored.digest().hex());
        root.put("created_at", key.createdAt().toString());
        root.put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
        try {
            byte[] json = mapper.writeValueAsBytes(root);
            byte[] withNewline = new byte[json.length + 1];
            System.arraycopy(json, 0, withNewline, 0, json.length);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The key in {@code content}, which was read from the file of {@code expectedId}.
     *
     * @throws IllegalArgumentException if it is not a valid format-1 key document for that id
     */
    StoredKey decode(byte[] content, ApiKeyId expectedId) {
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (root.path("format").asInt(-1) != FORMAT) {
            throw new IllegalArgumentException("unknown format " + root.path("format"));
        }
        ApiKeyId id = ApiKeyId.parse(text(root, "id"));
        if (!id.equals(expectedId)) {
            throw new IllegalArgumentException("holds key " + id + ", not " + expectedId);
        }
        String principal = text(root, "principal");
        if (!ApiKeyRules.isValidPrincipal(principal)) {
            throw new IllegalArgumentException("invalid principal");
        }
        String hint = text(root, "hint");
        if (!ApiKeyRules.HINT.matcher(hint).matches()) {
            throw new IllegalArgumentException("invalid hint");
        }
        JsonNode admin = root.get("admin");
        if (admin == null || !admin.isBoolean()) {
            throw new IllegalArgumentException("'admin' must be true or false");
        }
        ApiKeyDigest digest = new ApiKeyDigest(text(root, "sha256"));
        Instant createdAt = instant(text(root, "created_at"));
        JsonNode revoked = root.get("revoked_at");
        Instant revokedAt = revoked == null || revoked.isNull() ? null : instant(revoked.asText());
        return new StoredKey(new ApiKey(id, principal, admin.booleanValue(), hint, createdAt, revokedAt), digest);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return node.textValue();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: " + text, e);
        }
    }
}
