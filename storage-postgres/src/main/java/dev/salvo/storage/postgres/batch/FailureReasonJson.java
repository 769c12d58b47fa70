package dev.salvo.storage.postgres.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvo.core.batch.FailureReason;

/**
 * The {@code requests.error} column: a failure reason as {@code {"type": "<variant>", …fields}}. Kept
 * as text rather than jsonb: jsonb would refuse a body containing {@code \u0000} escapes and reorders
 * keys, and the column is only ever read back whole.
 */
final class FailureReasonJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FailureReasonJson() {
    }

    static String encode(FailureReason reason) {
        ObjectNode node = MAPPER.createObjectNode();
        switch (reason) {
            case FailureReason.RetriableHttpStatus r -> node.put("type", "RetriableHttpStatus").put("status", r.status()).put("body", r.body());
            case FailureReason.NonRetriableHttpStatus r -> node.put("type", "NonRetriableHttpStatus").put("status", r.status()).put("body", r.body());
            case FailureReason.NetworkError r -> node.put("type", "NetworkError").put("error", r.error());
            case FailureReason.Timeout r -> node.put("type", "Timeout").put("error", r.error());
            case FailureReason.TaskTerminated r -> node.put("type", "TaskTerminated");
            case FailureReason.RequestBuilderError r -> node.put("type", "RequestBuilderError").put("error", r.error());
            case FailureReason.BatchExpired r -> node.put("type", "BatchExpired");
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** Anything this adapter did not write (or cannot parse) reads as a network error carrying the raw text, as fusillade did. */
    static FailureReason decode(String stored) {
        JsonNode node;
        try {
            node = MAPPER.readTree(stored);
        } catch (JsonProcessingException e) {
            return new FailureReason.NetworkError(stored);
        }
        if (node == null || !node.isObject()) {
            return new FailureReason.NetworkError(stored);
        }
        return switch (node.path("type").asText("")) {
            case "RetriableHttpStatus" -> new FailureReason.RetriableHttpStatus(node.path("status").asInt(), text(node, "body"));
            case "NonRetriableHttpStatus" -> new FailureReason.NonRetriableHttpStatus(node.path("status").asInt(), text(node, "body"));
            case "NetworkError" -> new FailureReason.NetworkError(text(node, "error"));
            case "Timeout" -> new FailureReason.Timeout(text(node, "error"));
            case "TaskTerminated" -> new FailureReason.TaskTerminated();
            case "RequestBuilderError" -> new FailureReason.RequestBuilderError(text(node, "error"));
            case "BatchExpired" -> new FailureReason.BatchExpired();
            default -> new FailureReason.NetworkError(stored);
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
