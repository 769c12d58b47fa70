package dev.salvo.http.batch.upload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.salvo.core.batch.RequestTemplateInput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Validates one line of a batch input file — {@code {"custom_id", "method": "POST", "url", "body": {"model", …}}}
 * — and turns it into a template. The body is kept byte for byte as the client wrote it (sliced out of
 * the line, not re-serialised), so the upstream receives exactly what was uploaded. One parser per
 * upload: it remembers custom_ids to refuse duplicates and the first url to refuse a mixed file (a batch
 * has one endpoint, so a file mixing urls could never run).
 */
final class TemplateLineParser {

    static final int MAX_CUSTOM_ID_LENGTH = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final UploadRules settings;
    private final Set<String> customIds = new HashSet<>();
    private String fileUrl;

    TemplateLineParser(UploadRules settings) {
        this.settings = settings;
    }

    RequestTemplateInput parse(byte[] line, int length, long lineNumber) throws InvalidLineException {
        requireUtf8(line, length, lineNumber);
        String customId = null;
        String method = null;
        String url = null;
        String body = null;
        String model = null;
        try (JsonParser p = JSON.createParser(line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidLineException(lineNumber, "invalid_json_line", "each line must be a JSON object.");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "custom_id" -> customId = string(p, value, lineNumber, "custom_id");
                    case "method" -> method = string(p, value, lineNumber, "method");
                    case "url" -> url = string(p, value, lineNumber, "url");
                    case "body" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new InvalidLineException(lineNumber, "invalid_body", "'body' must be a JSON object.");
                        }
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        model = modelOf(p, lineNumber);
                        int stop = (int) p.currentLocation().getByteOffset();
                        body = new String(line, start, stop - start, StandardCharsets.UTF_8);
                    }
                    // Fields OpenAI does not define are ignored, as OpenAI's own validator does not name them errors.
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidLineException(lineNumber, "invalid_json_line", "unexpected content after the JSON object.");
            }
        } catch (IOException e) {
            // Jackson's message names the problem and its column; the line number is ours.
            String detail = e.getMessage() == null ? "malformed JSON" : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidLineException(lineNumber, "invalid_json_line", "not valid JSON (" + detail + ").");
        }
        checkCustomId(customId, lineNumber);
        if (!"POST".equals(method)) {
            throw new InvalidLineException(lineNumber, "invalid_method",
                    method == null ? "'method' is required and must be \"POST\"." : "'method' must be \"POST\", not \"" + method + "\".");
        }
        checkUrl(url, lineNumber);
        if (body == null) {
            throw new InvalidLineException(lineNumber, "invalid_body", "'body' is required.");
        }
        if (model == null) {
            throw new InvalidLineException(lineNumber, "missing_model", "'body.model' is required and must be a string.");
        }
        if (!settings.servesModel(model)) {
            throw new InvalidLineException(lineNumber, "model_not_found",
                    "the model '" + truncate(model) + "' is not served by this deployment.");
        }
        customIds.add(customId);
        return new RequestTemplateInput(customId, "", method, url, body, model, null);
    }

    /** Walks the body object (the parser sits on its START_OBJECT) and returns its top-level string "model". */
    private static String modelOf(JsonParser p, long lineNumber) throws IOException, InvalidLineException {
        String model = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("model".equals(field)) {
                if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                    throw new InvalidLineException(lineNumber, "missing_model", "'body.model' must be a non-empty string.");
                }
                model = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return model;
    }

    private static String string(JsonParser p, JsonToken value, long lineNumber, String field)
            throws IOException, InvalidLineException {
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidLineException(lineNumber, "invalid_" + field, "'" + field + "' must be a string.");
        }
        return p.getText();
    }

    private void checkCustomId(String customId, long lineNumber) throws InvalidLineException {
        if (customId == null || customId.isEmpty()) {
            throw new InvalidLineException(lineNumber, "invalid_custom_id", "'custom_id' is required and must be a non-empty string.");
        }
        if (customId.length() > MAX_CUSTOM_ID_LENGTH) {
            throw new InvalidLineException(lineNumber, "invalid_custom_id",
                    "'custom_id' is longer than " + MAX_CUSTOM_ID_LENGTH + " characters.");
        }
        if (customId.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidLineException(lineNumber, "invalid_custom_id", "'custom_id' must not contain control characters.");
        }
        if (customIds.contains(customId)) {
            throw new InvalidLineException(lineNumber, "duplicate_custom_id",
                    "the custom_id '" + customId + "' appears more than once; custom_ids must be unique within a file.");
        }
    }

    private void checkUrl(String url, long lineNumber) throws InvalidLineException {
        if (url == null) {
            throw new InvalidLineException(lineNumber, "invalid_url", "'url' is required.");
        }
        if (!settings.allowedEndpoints().contains(url)) {
            throw new InvalidLineException(lineNumber, "invalid_url", "'url' must be one of "
                    + String.join(", ", settings.allowedEndpoints()) + ", not '" + truncate(url) + "'.");
        }
        if (fileUrl == null) {
            fileUrl = url;
        } else if (!fileUrl.equals(url)) {
            throw new InvalidLineException(lineNumber, "mismatched_url", "'url' is '" + url + "' but earlier lines use '"
                    + fileUrl + "'; every line of a batch file must use the same url.");
        }
    }

    private static void requireUtf8(byte[] line, int length, long lineNumber) throws InvalidLineException {
        if (!isAscii(line, length)) { // only non-ASCII lines need the decoder
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(line, 0, length));
            } catch (CharacterCodingException e) {
                throw new InvalidLineException(lineNumber, "invalid_encoding", "the line is not valid UTF-8.");
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Whether the first {@code length} bytes are all below 0x80; eight at a time, as every line is checked. */
    static boolean isAscii(byte[] line, int length) {
        int i = 0;
        long high = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            high |= (long) LONGS.get(line, i);
        }
        for (; i < length; i++) {
            high |= line[i];
        }
        return (high & HIGH_BITS) == 0;
    }

    private static String truncate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    /** The url every line used (null before the first line). */
    String fileUrl() {
        return fileUrl;
    }
}
