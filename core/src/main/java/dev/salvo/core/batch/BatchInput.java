package dev.salvo.core.batch;

import java.util.Map;
import java.util.Objects;

/**
 * What a batch is created from.
 *
 * @param endpoint         e.g. {@code /v1/chat/completions}; informational, templates carry their own path
 * @param metadata         up to 16 string pairs (OpenAI's limit), stored as given
 * @param createdBy        owner (principal); drives per-user fair scheduling; "" when unknown
 * @param apiKey           upstream secret used instead of the templates' keys; null = theirs
 * @param expectedRequests shown as the total while the batch is still validating; null = unknown
 */
public record BatchInput(FileId fileId, String endpoint, String completionWindow, Map<String, String> metadata,
                         String createdBy, String apiKeyId, String apiKey, Long expectedRequests) {

    public BatchInput {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(endpoint, "endpoint");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        createdBy = createdBy == null ? "" : createdBy;
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    public static BatchInput of(FileId fileId, String endpoint, String completionWindow) {
        return new BatchInput(fileId, endpoint, completionWindow, Map.of(), "", null, null, null);
    }

    public BatchInput withCreatedBy(String owner) {
        return new BatchInput(fileId, endpoint, completionWindow, metadata, owner, apiKeyId, apiKey, expectedRequests);
    }

    public BatchInput withMetadata(Map<String, String> newMetadata) {
        return new BatchInput(fileId, endpoint, completionWindow, newMetadata, createdBy, apiKeyId, apiKey, expectedRequests);
    }

    public BatchInput withApiKey(String newApiKey) {
        return new BatchInput(fileId, endpoint, completionWindow, metadata, createdBy, apiKeyId, newApiKey, expectedRequests);
    }
}
