package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.salvo.core.batch.RequestTemplateInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One line of {@code templates.jsonl}: {@code custom_id} first (so it can be read from the head of a
 * line without touching the body), then model, endpoint, method, path, api_key, and the body last, as a
 * JSON string that decodes to exactly the text the uploader gave.
 */
final class TemplateCodec {

    /** Marker: the custom id did not fit in the bytes read; read the whole line. */
    static final String INCOMPLETE = new String("incomplete");

    private TemplateCodec() {
    }

    static void write(JsonGenerator g, RequestTemplateInput t) throws IOException {
        g.writeStartObject();
        Json.nullableString(g, "custom_id", t.customId());
        g.writeStringField("model", t.model());
        g.writeStringField("endpoint", t.endpoint());
        g.writeStringField("method", t.method());
        g.writeStringField("path", t.path());
        g.writeStringField("api_key", t.apiKey());
        g.writeStringField("body", t.body());
        g.writeEndObject();
    }

    /** Reads the object that starts at the parser's next token; null at the end of input. */
    static RequestTemplateInput read(JsonParser p) throws IOException {
        JsonToken start = p.nextToken();
        if (start == null) {
            return null;
        }
        if (start != JsonToken.START_OBJECT) {
            throw new IOException("a template line is not a JSON object");
        }
        String customId = null;
        String model = null;
        String endpoint = null;
        String method = null;
        String path = null;
        String apiKey = null;
        String body = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            String text = value == JsonToken.VALUE_NULL ? null : p.getText();
            switch (field) {
                case "custom_id" -> customId = text;
                case "model" -> model = text;
                case "endpoint" -> endpoint = text;
                case "method" -> method = text;
                case "path" -> path = text;
                case "api_key" -> apiKey = text;
                case "body" -> body = text;
                default -> p.skipChildren();
            }
        }
        if (model == null || endpoint == null || method == null || path == null || body == null) {
            throw new IOException("a template line lacks a required field");
        }
        return new RequestTemplateInput(customId, endpoint, method, path, body, model, apiKey);
    }

    /** The custom id at the head of a line, or {@link #INCOMPLETE} if {@code head} cuts it off. */
    static String readCustomId(byte[] head, int length) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(head, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
                    || !"custom_id".equals(p.currentName())) {
                throw new IOException("a template line does not start with custom_id");
            }
            JsonToken value = p.nextToken();
            return value == JsonToken.VALUE_NULL ? null : p.getText();
        } catch (JsonEOFException e) {
            return INCOMPLETE;
        }
    }

    /** Up to this many chars, encoding is cheaper than counting: the JDK's encoder is vectorised, the loop is not. */
    static final int ENCODE_TO_MEASURE_MAX_CHARS = 64 * 1024;

    /**
     * UTF-8 length of {@code text}, the same as {@code text.getBytes(UTF_8).length}. Short texts (request
     * bodies, most responses) are encoded, about five times faster than counting for a 2 KB body; long ones
     * are counted, so that measuring a large response never allocates its size again.
     */
    static long utf8Length(String text) {
        if (text.length() <= ENCODE_TO_MEASURE_MAX_CHARS) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
        return countUtf8(text);
    }

    static long countUtf8(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++; // String.getBytes replaces an unpaired surrogate with '?', as bodyByteSize() counts it
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
