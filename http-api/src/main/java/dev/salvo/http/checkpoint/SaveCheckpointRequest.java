package dev.salvo.http.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/checkpoints/{thread_id}}. The state is given either as base64 bytes
 * ({@code state}) or as any JSON value ({@code state_json}, stored as its compact UTF-8 encoding).
 * {@code id}, {@code parent_id} and {@code step} are optional: by default the server generates the id
 * and continues from the thread's latest checkpoint; a client-chosen id makes a retried save safe.
 */
record SaveCheckpointRequest(
        String id,
        String parentId,
        Long step,
        String label,
        List<String> tags,
        Map<String, String> custom,
        String state,
        JsonNode stateJson) {
}
