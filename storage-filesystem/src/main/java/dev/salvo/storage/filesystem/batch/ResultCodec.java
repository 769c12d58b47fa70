package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.FailureReason;
import java.io.IOException;

/**
 * Result records of {@code requests.log}: what a completed or failed request produced, with the custom
 * id copied in so the output and error files are streamed from the log alone. A result record is written
 * just before the change record that points at it (offset and length), in the same group commit, so
 * one fsync makes both durable; replay recognises result records by their first field and skips them
 * without parsing, so bodies are never decoded on open.
 */
final class ResultCodec {

    private ResultCodec() {
    }

    /** A completed request's response. */
    record Completion(int ordinal, String customId, int status, String routedModel, String body) {
    }

    /** A failed request's reason. */
    record Failure(int ordinal, String customId, String routedModel, FailureReason reason) {
    }

    static byte[] encode(Completion c) {
        return Framing.frame(Json.compact(g -> {
            g.writeStartObject();
            g.writeNumberField("req", c.ordinal());
            Json.nullableString(g, "custom_id", c.customId());
            g.writeNumberField("status", c.status());
            Json.nullableString(g, "routed_model", c.routedModel());
            g.writeStringField("body", c.body());
            g.writeEndObject();
        }));
    }

    static byte[] encode(Failure f) {
        return Framing.frame(Json.compact(g -> {
            g.writeStartObject();
            g.writeNumberField("req", f.ordinal());
            Json.nullableString(g, "custom_id", f.customId());
            Json.nullableString(g, "routed_model", f.routedModel());
            g.writeFieldName("reason");
            writeReason(g, f.reason());
            g.writeEndObject();
        }));
    }

    static Completion decodeCompletion(byte[] framed) throws IOException {
        JsonNode node = unframe(framed);
        return new Completion(Json.integer(node, "req"), Json.optionalText(node, "custom_id"),
                Json.integer(node, "status"), Json.optionalText(node, "routed_model"), Json.text(node, "body"));
    }

    static Failure decodeFailure(byte[] framed) throws IOException {
        JsonNode node = unframe(framed);
        JsonNode reason = node.get("reason");
        if (reason == null || !reason.isObject()) {
            throw new IOException("a failure record lacks its reason");
        }
        return new Failure(Json.integer(node, "req"), Json.optionalText(node, "custom_id"),
                Json.optionalText(node, "routed_model"), readReason(reason));
    }

    private static final byte[] RESULT_START = "{\"req\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether a record's JSON is a result record (as opposed to a change record, which starts with "fx"). */
    static boolean isResult(byte[] json, int offset, int length) {
        if (length < RESULT_START.length) {
            return false;
        }
        for (int i = 0; i < RESULT_START.length; i++) {
            if (json[offset + i] != RESULT_START[i]) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode unframe(byte[] framed) throws IOException {
        int length = framed.length;
        if (length == 0 || framed[length - 1] != '\n') {
            throw new IOException("a result record is not a complete line");
        }
        if (!Framing.intact(framed, 0, length - 1)) {
            throw new IOException("a result record fails its checksum");
        }
        return Json.MAPPER.readTree(framed, Framing.PREFIX, length - 1 - Framing.PREFIX);
    }

    static void writeReason(JsonGenerator g, FailureReason reason) throws IOException {
        g.writeStartObject();
        switch (reason) {
            case FailureReason.RetriableHttpStatus r -> {
                g.writeStringField("type", "retriable_http_status");
                g.writeNumberField("status", r.status());
                Json.nullableString(g, "body", r.body());
            }
            case FailureReason.NonRetriableHttpStatus r -> {
                g.writeStringField("type", "non_retriable_http_status");
                g.writeNumberField("status", r.status());
                Json.nullableString(g, "body", r.body());
            }
            case FailureReason.NetworkError r -> {
                g.writeStringField("type", "network_error");
                g.writeStringField("error", r.error());
            }
            case FailureReason.Timeout r -> {
                g.writeStringField("type", "timeout");
                g.writeStringField("error", r.error());
            }
            case FailureReason.TaskTerminated r -> g.writeStringField("type", "task_terminated");
            case FailureReason.RequestBuilderError r -> {
                g.writeStringField("type", "request_builder_error");
                g.writeStringField("error", r.error());
            }
            case FailureReason.BatchExpired r -> g.writeStringField("type", "batch_expired");
        }
        g.writeEndObject();
    }

    static FailureReason readReason(JsonNode node) throws IOException {
        String type = Json.text(node, "type");
        return switch (type) {
            case "retriable_http_status" -> new FailureReason.RetriableHttpStatus(Json.integer(node, "status"),
                    Json.optionalText(node, "body"));
            case "non_retriable_http_status" -> new FailureReason.NonRetriableHttpStatus(Json.integer(node, "status"),
                    Json.optionalText(node, "body"));
            case "network_error" -> new FailureReason.NetworkError(Json.text(node, "error"));
            case "timeout" -> new FailureReason.Timeout(Json.text(node, "error"));
            case "task_terminated" -> new FailureReason.TaskTerminated();
            case "request_builder_error" -> new FailureReason.RequestBuilderError(Json.text(node, "error"));
            case "batch_expired" -> new FailureReason.BatchExpired();
            default -> throw new IOException("unknown failure type '" + type + "'");
        };
    }
}
