package dev.salvo.daemon.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Edits a request body on its way upstream: the top-level {@code model} when a request is routed to
 * another model (escalation), and the optional deadline priority hint. Bodies that are not JSON objects
 * are sent untouched.
 */
final class BodyRewriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BodyRewriter() {
    }

    static String prepare(String body, String model, Long priority, boolean streaming) {
        if (priority == null && !streaming && body.contains("\"model\":\"" + model + "\"") && body.indexOf("\"model\"") == body.lastIndexOf("\"model\"")) {
            return body; // the common case: nothing to change, so do not parse every body
        }
        ObjectNode object = parse(body);
        if (object == null) {
            return body;
        }
        boolean changed = false;
        JsonNode current = object.get("model");
        if (current == null || !current.isTextual() || !current.asText().equals(model)) {
            object.put("model", model);
            changed = true;
        }
        if (streaming && !object.path("stream").asBoolean(false)) {
            object.put("stream", true);
            if (object.has("messages")) {
                object.withObjectProperty("stream_options").put("include_usage", true);
            }
            changed = true;
        }
        if (priority != null) {
            ObjectNode hints = object.withObjectProperty("nvext").withObjectProperty("agent_hints");
            hints.put("priority", priority);
            changed = true;
        }
        return changed ? object.toString() : body;
    }

    private static ObjectNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
