package dev.salvo.daemon.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns the data payloads of an OpenAI-style SSE stream into the JSON the same endpoint returns when
 * not streaming — chat completions (content and tool-call deltas merged per choice), completions (text
 * merged per choice) and responses (the final {@code response.completed} object) — and spots an error
 * event inside a 200 stream, which some providers send instead of an error status.
 */
public final class SseReassembler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SseReassembler() {
    }

    /** An {@code {"error": …}} payload, as status and body: its numeric code if 400–599, else 500. */
    public static Optional<UpstreamResponse> embeddedError(List<String> payloads) {
        for (String payload : payloads) {
            if (!payload.startsWith("{\"error\"")) {
                continue;
            }
            JsonNode error = parse(payload).map(n -> n.get("error")).orElse(null);
            if (error == null) {
                continue;
            }
            JsonNode code = error.get("code");
            int status = 500;
            if (code != null && (code.isInt() || code.isTextual())) {
                try {
                    int numeric = Integer.parseInt(code.asText());
                    if (numeric >= 400 && numeric <= 599) {
                        status = numeric;
                    }
                } catch (NumberFormatException ignored) {
                    // a symbolic code such as "server_error" stays a 500
                }
            }
            return Optional.of(new UpstreamResponse(status, payload));
        }
        return Optional.empty();
    }

    /** The non-streaming body for {@code path}; payloads that are not JSON chunks are joined by newlines. */
    public static String reassemble(String path, List<String> payloads) {
        try {
            if (path.endsWith("/chat/completions")) {
                return chat(payloads);
            }
            if (path.endsWith("/completions")) {
                return completions(payloads);
            }
            if (path.endsWith("/responses")) {
                return responses(payloads);
            }
        } catch (IllegalArgumentException e) {
            // not the shape we know: fall through to the plain join
        }
        return String.join("\n", payloads);
    }

    private static String chat(List<String> payloads) {
        ObjectNode result = JSON.createObjectNode();
        Map<Integer, ObjectNode> choices = new TreeMap<>();
        Map<Integer, StringBuilder> contents = new TreeMap<>();
        Map<Integer, Map<Integer, ObjectNode>> toolCalls = new TreeMap<>();
        for (String payload : payloads) {
            JsonNode chunk = parse(payload).orElseThrow(() -> new IllegalArgumentException("not JSON"));
            copyHeader(chunk, result, "chat.completion");
            for (JsonNode choice : chunk.path("choices")) {
                int index = choice.path("index").asInt();
                ObjectNode out = choices.computeIfAbsent(index, i -> newChoice(i));
                JsonNode delta = choice.path("delta");
                if (delta.hasNonNull("role")) {
                    ((ObjectNode) out.get("message")).put("role", delta.get("role").asText());
                }
                if (delta.hasNonNull("content")) {
                    contents.computeIfAbsent(index, i -> new StringBuilder()).append(delta.get("content").asText());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    mergeToolCall(toolCalls.computeIfAbsent(index, i -> new TreeMap<>()), call);
                }
                if (choice.hasNonNull("finish_reason")) {
                    out.put("finish_reason", choice.get("finish_reason").asText());
                }
            }
            if (chunk.hasNonNull("usage")) {
                result.set("usage", chunk.get("usage"));
            }
        }
        ArrayNode array = result.putArray("choices");
        choices.forEach((index, choice) -> {
            ObjectNode message = (ObjectNode) choice.get("message");
            StringBuilder content = contents.get(index);
            if (content != null) {
                message.put("content", content.toString());
            } else {
                message.putNull("content");
            }
            Map<Integer, ObjectNode> calls = toolCalls.get(index);
            if (calls != null) {
                ArrayNode callArray = message.putArray("tool_calls");
                calls.values().forEach(callArray::add);
            }
            array.add(choice);
        });
        return result.toString();
    }

    private static ObjectNode newChoice(int index) {
        ObjectNode choice = JSON.createObjectNode();
        choice.put("index", index);
        choice.putObject("message").put("role", "assistant");
        choice.putNull("finish_reason");
        return choice;
    }

    private static void mergeToolCall(Map<Integer, ObjectNode> calls, JsonNode delta) {
        int index = delta.path("index").asInt();
        ObjectNode call = calls.computeIfAbsent(index, i -> {
            ObjectNode c = JSON.createObjectNode();
            c.put("type", "function");
            c.putObject("function").put("name", "").put("arguments", "");
            return c;
        });
        if (delta.hasNonNull("id")) {
            call.put("id", delta.get("id").asText());
        }
        if (delta.hasNonNull("type")) {
            call.put("type", delta.get("type").asText());
        }
        JsonNode function = delta.path("function");
        ObjectNode target = (ObjectNode) call.get("function");
        if (function.hasNonNull("name")) {
            target.put("name", target.get("name").asText() + function.get("name").asText());
        }
        if (function.hasNonNull("arguments")) {
            target.put("arguments", target.get("arguments").asText() + function.get("arguments").asText());
        }
    }

    private static String completions(List<String> payloads) {
        ObjectNode result = JSON.createObjectNode();
        Map<Integer, ObjectNode> choices = new TreeMap<>();
        Map<Integer, StringBuilder> texts = new TreeMap<>();
        for (String payload : payloads) {
            JsonNode chunk = parse(payload).orElseThrow(() -> new IllegalArgumentException("not JSON"));
            copyHeader(chunk, result, "text_completion");
            for (JsonNode choice : chunk.path("choices")) {
                int index = choice.path("index").asInt();
                ObjectNode out = choices.computeIfAbsent(index, i -> {
                    ObjectNode c = JSON.createObjectNode();
                    c.put("index", i);
                    c.putNull("finish_reason");
                    return c;
                });
                texts.computeIfAbsent(index, i -> new StringBuilder()).append(choice.path("text").asText(""));
                if (choice.hasNonNull("finish_reason")) {
                    out.put("finish_reason", choice.get("finish_reason").asText());
                }
            }
            if (chunk.hasNonNull("usage")) {
                result.set("usage", chunk.get("usage"));
            }
        }
        ArrayNode array = result.putArray("choices");
        choices.forEach((index, choice) -> {
            choice.put("text", texts.get(index).toString());
            array.add(choice);
        });
        return result.toString();
    }

    private static String responses(List<String> payloads) {
        for (int i = payloads.size() - 1; i >= 0; i--) {
            JsonNode event = parse(payloads.get(i)).orElse(null);
            if (event != null && "response.completed".equals(event.path("type").asText()) && event.has("response")) {
                return event.get("response").toString();
            }
        }
        throw new IllegalArgumentException("no response.completed event");
    }

    private static void copyHeader(JsonNode chunk, ObjectNode result, String object) {
        if (!result.has("id")) {
            result.put("id", chunk.path("id").asText(""));
            result.put("object", object);
            result.put("created", chunk.path("created").asLong());
            result.put("model", chunk.path("model").asText(""));
        }
        if (chunk.hasNonNull("system_fingerprint")) {
            result.put("system_fingerprint", chunk.get("system_fingerprint").asText());
        }
    }

    private static Optional<JsonNode> parse(String payload) {
        try {
            return Optional.ofNullable(JSON.readTree(payload));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
