package dev.salvo.storage.postgres.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.checkpoint.CheckpointException;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.JSONB;

/** The {@code custom} column: a flat string-to-string map as a jsonb object. */
final class CustomMetadataJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CustomMetadataJson() {
    }

    static JSONB encode(Map<String, String> custom) {
        try {
            return JSONB.valueOf(MAPPER.writeValueAsString(custom));
        } catch (JsonProcessingException e) {
            throw new CheckpointException.Backend("custom metadata could not be written as JSON", e);
        }
    }

    /** Strict on the way back: anything but an object of strings means the row was not written by this adapter. */
    static Map<String, String> decode(JSONB stored) {
        JsonNode root;
        try {
            root = MAPPER.readTree(stored.data());
        } catch (JsonProcessingException e) {
            throw new CheckpointException.Corrupt("stored custom metadata is not valid JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException.Corrupt("stored custom metadata is not a JSON object", null);
        }
        Map<String, String> custom = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new CheckpointException.Corrupt(
                        "stored custom metadata value for key '" + entry.getKey() + "' is not a string", null);
            }
            custom.put(entry.getKey(), entry.getValue().textValue());
        }
        return custom;
    }
}
