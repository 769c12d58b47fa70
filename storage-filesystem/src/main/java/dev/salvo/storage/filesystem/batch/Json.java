package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Jackson set-up and small helpers shared by the codecs. Every on-disk document is built and read field
 * by field (tree model or streaming), never by data binding: the files are an on-disk contract, and
 * spelling the fields out keeps a rename in Java from changing them silently.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** One compact JSON value, as UTF-8. */
    static byte[] compact(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One indented JSON document, for the small files people read ({@code meta.json}, {@code batch.json}). */
    static byte[] pretty(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    static JsonNode parse(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    static void instant(JsonGenerator g, String field, long nanos) throws IOException {
        if (nanos != Nanos.NONE) {
            g.writeStringField(field, Nanos.toInstant(nanos).toString());
        }
    }

    static void nullableString(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    static void stringMap(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    // ------------------------------------------------------------------ reading

    static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException("'" + field + "' must be a string");
        }
        return value.textValue();
    }

    static String optionalText(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IOException("'" + field + "' must be a string or null");
        }
        return value.textValue();
    }

    static long number(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IOException("'" + field + "' must be an integer");
        }
        return value.longValue();
    }

    static Long optionalNumber(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return number(node, field);
    }

    static int integer(JsonNode node, String field) throws IOException {
        long value = number(node, field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IOException("'" + field + "' is out of range");
        }
        return (int) value;
    }

    static long instant(JsonNode node, String field) throws IOException {
        String text = optionalText(node, field);
        if (text == null) {
            return Nanos.NONE;
        }
        try {
            return Nanos.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new IOException("'" + field + "' is not an ISO-8601 instant: " + text, e);
        }
    }

    static UUID uuid(JsonNode node, String field) throws IOException {
        String text = optionalText(node, field);
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("'" + field + "' is not a UUID: " + text, e);
        }
    }

    static Map<String, String> stringMap(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw new IOException("'" + field + "' must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IOException("'" + field + "." + e.getKey() + "' must be a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }
}
