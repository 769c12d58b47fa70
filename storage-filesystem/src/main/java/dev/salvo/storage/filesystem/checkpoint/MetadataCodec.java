package dev.salvo.storage.filesystem.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.LegacyThreadIds;
import dev.salvo.core.checkpoint.ThreadKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code .meta.json} document: pretty-printed, snake_case, with a {@code format} number so that a
 * later layout change is detected instead of misread.
 *
 * <p>Format 2 (written since owners became part of the port) records the thread's {@code owner} and its
 * {@code thread_id} within that owner. Format 1, written before, has no owner and records the store-wide
 * thread id of that time ({@code alice:run-42}); it is still read, and mapped to a {@link ThreadKey} by
 * {@link LegacyThreadIds#split}, the rule that moved its directory, so old files need no rewrite.
 *
 * <p>The JSON is built and read field by field through the tree model rather than by data binding: the
 * file is an on-disk contract, and spelling it out keeps renames in Java from changing it silently.
 * {@code created_at} is an ISO-8601 instant, which keeps the microseconds the domain retains.
 */
final class MetadataCodec {

    static final int FORMAT = 2;
    /** The format before owners, still read. */
    static final int LEGACY_FORMAT = 1;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A decoded document: the thread it says it belongs to, and the checkpoint's metadata. */
    record Decoded(ThreadKey thread, CheckpointMetadata metadata) {
    }

    byte[] encode(ThreadKey thread, CheckpointMetadata stored) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("id", stored.id());
        root.put("owner", thread.owner());
        root.put("thread_id", stored.threadId());
        root.put("sequence", stored.sequence());
        root.put("created_at", stored.createdAt().toString());
        root.put("parent_id", stored.parentId());
        root.put("step", stored.step());
        root.put("label", stored.label());
        ArrayNode tags = root.putArray("tags");
        stored.tags().forEach(tags::add);
        ObjectNode custom = root.putObject("custom");
        stored.custom().forEach(custom::put);
        root.put("state_size", stored.stateSize());
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new CheckpointException.Backend("cannot encode metadata of checkpoint " + stored.id(), e);
        }
    }

    /**
     * The metadata in {@code content}, or empty if the content is not complete JSON (a torn or zeroed
     * write, which the commit protocol treats as never committed).
     *
     * @throws CheckpointException.Corrupt if it is complete JSON but not a format-1 or format-2 metadata document
     */
    Optional<Decoded> decode(byte[] content, Path file) {
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (StreamReadException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CheckpointException.Corrupt(file + ": not a single JSON document", e);
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Reader(root, file).decoded());
    }

    /** Reads one document, naming the file and field in every complaint. */
    private record Reader(JsonNode root, Path file) {

        Decoded decoded() {
            if (!root.isObject()) {
                throw invalid("the document is not a JSON object");
            }
            long format = requiredLong("format");
            if (format != FORMAT && format != LEGACY_FORMAT) {
                throw invalid("format " + format + " is not supported (this version reads formats " + LEGACY_FORMAT
                        + " and " + FORMAT + "); was it written by a newer Salvo?");
            }
            ThreadKey thread = format == FORMAT ? thread() : legacyThread();
            try {
                return new Decoded(thread, new CheckpointMetadata(
                        requiredText("id"),
                        thread.threadId(),
                        instant("created_at"),
                        optionalText("parent_id"),
                        requiredLong("step"),
                        optionalText("label"),
                        textList("tags"),
                        requiredLong("state_size"),
                        textMap("custom"),
                        requiredLong("sequence")));
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }

        private ThreadKey thread() {
            String owner = requiredText("owner");
            String threadId = requiredText("thread_id");
            if (!CheckpointIds.isValidOwner(owner) || !CheckpointIds.isValid(threadId)) {
                throw invalid("'owner' and 'thread_id' must be valid ids");
            }
            return ThreadKey.of(owner, threadId);
        }

        private ThreadKey legacyThread() {
            if (root.has("owner")) {
                throw invalid("format " + LEGACY_FORMAT + " has no 'owner'");
            }
            String legacyThreadId = requiredText("thread_id");
            if (!CheckpointIds.isValid(legacyThreadId)) {
                throw invalid("'thread_id' must be a valid id");
            }
            return LegacyThreadIds.split(legacyThreadId);
        }

        private String requiredText(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isTextual()) {
                throw invalid("'" + field + "' must be a string");
            }
            return node.textValue();
        }

        private String optionalText(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw invalid("'" + field + "' must be a string or null");
            }
            return node.textValue();
        }

        private long requiredLong(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
                throw invalid("'" + field + "' must be an integer");
            }
            return node.longValue();
        }

        private Instant instant(String field) {
            String text = requiredText(field);
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid("'" + field + "' is not an ISO-8601 instant: " + text);
            }
        }

        private List<String> textList(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isArray()) {
                throw invalid("'" + field + "' must be an array of strings");
            }
            List<String> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    throw invalid("'" + field + "' must contain only strings");
                }
                values.add(element.textValue());
            }
            return values;
        }

        private Map<String, String> textMap(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isObject()) {
                throw invalid("'" + field + "' must be an object of strings");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw invalid("'" + field + "." + entry.getKey() + "' must be a string");
                }
                values.put(entry.getKey(), entry.getValue().textValue());
            }
            return values;
        }

        private CheckpointException.Corrupt invalid(String problem) {
            return new CheckpointException.Corrupt(file + ": " + problem, null);
        }
    }
}
