package dev.salvo.storage.postgres.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.batch.BatchStorageException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.JSONB;

/** {@code batches.metadata}: the batch's string pairs as a jsonb object (searchable with jsonb_each_text). */
final class MetadataJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MetadataJson() {
    }

    static JSONB encode(Map<String, String> metadata) {
        try {
            // Sorted, so equal maps are stored identically whatever their iteration order.
            return JSONB.valueOf(MAPPER.writeValueAsString(new TreeMap<>(metadata)));
        } catch (JsonProcessingException e) {
            throw new BatchStorageException.Validation("batch metadata cannot be written as JSON");
        }
    }

    static Map<String, String> decode(JSONB stored) {
        if (stored == null) {
            return Map.of();
        }
        try {
            JsonNode root = MAPPER.readTree(stored.data());
            Map<String, String> metadata = new LinkedHashMap<>();
            if (root != null && root.isObject()) {
                root.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
            }
            return metadata;
        } catch (JsonProcessingException e) {
            throw new BatchStorageException.Backend("stored batch metadata is not valid JSON", e);
        }
    }
}
