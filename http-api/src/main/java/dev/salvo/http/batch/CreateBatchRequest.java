package dev.salvo.http.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.http.batch.upload.ExpiresAfter;
import dev.salvo.http.error.ApiException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/batches}, validated field by field with OpenAI's messages: unknown
 * fields are refused, as OpenAI does, rather than silently ignored.
 */
record CreateBatchRequest(String inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {

    static final int MAX_METADATA_PAIRS = 16;
    static final int MAX_METADATA_KEY = 64;
    static final int MAX_METADATA_VALUE = 512;
    private static final Set<String> FIELDS =
            Set.of("input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after");

    static CreateBatchRequest parse(JsonNode body, BatchApiSettings settings) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalidRequest("invalid_json", null, "The request body must be a JSON object.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.invalidRequest("unknown_parameter", name, "Unrecognized request argument supplied: " + name);
            }
        }
        String inputFileId = requiredString(body, "input_file_id");
        String endpoint = requiredString(body, "endpoint");
        if (!settings.allowedEndpoints().contains(endpoint)) {
            throw ApiException.invalidRequest("invalid_value", "endpoint", "'endpoint' must be one of "
                    + String.join(", ", settings.allowedEndpoints()) + ".");
        }
        String window = body.hasNonNull("completion_window") ? requiredString(body, "completion_window")
                : settings.defaultCompletionWindow();
        if (!settings.completionWindows().contains(window)) {
            throw ApiException.invalidRequest("invalid_value", "completion_window", "'completion_window' must be "
                    + String.join(" or ", settings.completionWindows().stream().map(w -> "'" + w + "'").toList()) + ".");
        }
        validateExpiresAfter(body.get("output_expires_after"));
        return new CreateBatchRequest(inputFileId, endpoint, window, metadata(body.get("metadata")));
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest("missing_required_parameter", field, "Missing required parameter: '" + field + "'.");
        }
        if (!value.isTextual()) {
            throw ApiException.invalidRequest("invalid_type", field, "'" + field + "' must be a string.");
        }
        return value.asText();
    }

    /** OpenAI's limits: at most 16 pairs, keys up to 64 characters, string values up to 512. */
    static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.invalidRequest("invalid_type", "metadata", "'metadata' must be an object of string values.");
        }
        if (node.size() > MAX_METADATA_PAIRS) {
            throw ApiException.invalidRequest("invalid_value", "metadata",
                    "'metadata' may hold at most " + MAX_METADATA_PAIRS + " pairs.");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().length() > MAX_METADATA_KEY) {
                throw ApiException.invalidRequest("invalid_value", "metadata",
                        "'metadata' keys may be at most " + MAX_METADATA_KEY + " characters.");
            }
            if (!e.getValue().isTextual()) {
                throw ApiException.invalidRequest("invalid_type", "metadata", "'metadata' values must be strings.");
            }
            if (e.getValue().asText().length() > MAX_METADATA_VALUE) {
                throw ApiException.invalidRequest("invalid_value", "metadata",
                        "'metadata' values may be at most " + MAX_METADATA_VALUE + " characters.");
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return metadata;
    }

    /**
     * Accepted for SDK compatibility and checked, but output files here live as long as their batch
     * (they are views of its requests), so there is nothing to expire separately.
     */
    private static void validateExpiresAfter(JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        JsonNode seconds = node.get("seconds");
        if (!node.isObject() || !ExpiresAfter.isAnchor(node.path("anchor").asText()) || seconds == null
                || !seconds.canConvertToLong() || !ExpiresAfter.inRange(seconds.asLong())) {
            throw ApiException.invalidRequest("invalid_value", "output_expires_after", "'output_expires_after' must be"
                    + " {\"anchor\": \"" + ExpiresAfter.ANCHOR + "\", \"seconds\": " + ExpiresAfter.range() + "}.");
        }
    }
}
