package dev.salvo.http.batch.content;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.http.support.WireIds;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes file content and merged results as JSON Lines in OpenAI's shapes, one item at a time, so a
 * download of any size streams with constant memory. Stored bodies are embedded as JSON when they are
 * JSON (they are written through untouched) and as a JSON string otherwise (an upstream's HTML error
 * page must not break the line).
 */
public final class JsonlWriter implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final OutputStream out;
    private final JsonGenerator gen;

    public JsonlWriter(OutputStream out) throws IOException {
        this.out = out;
        this.gen = JSON.createGenerator(out);
        // The generator is flushed after every item to put the newline in place; the socket is not.
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        // One line per item: the generator's default root separator is a space.
        gen.setRootValueSeparator(null);
    }

    public void write(FileContentItem item) throws IOException {
        switch (item) {
            case FileContentItem.TemplateLine t -> {
                gen.writeStartObject();
                gen.writeStringField("custom_id", t.template().customId());
                gen.writeStringField("method", t.template().method());
                gen.writeStringField("url", t.template().path());
                gen.writeFieldName("body");
                writeBody(t.template().body());
                gen.writeEndObject();
            }
            case FileContentItem.OutputLine o -> {
                gen.writeStartObject();
                gen.writeStringField("id", WireIds.batchRequest(o.requestId()));
                gen.writeStringField("custom_id", o.customId());
                writeResponse(o.statusCode(), WireIds.request(o.requestId()), o.body());
                gen.writeNullField("error");
                gen.writeEndObject();
            }
            case FileContentItem.ErrorLine e -> {
                gen.writeStartObject();
                gen.writeStringField("id", WireIds.batchRequest(e.requestId()));
                gen.writeStringField("custom_id", e.customId());
                writeFailure(e.reason(), WireIds.request(e.requestId()));
                gen.writeEndObject();
            }
        }
        newline();
    }

    /** A row of the merged results view (a Salvo extension): the input and where its request stands. */
    public void write(BatchResultItem item) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", item.requestId() == null ? null : WireIds.batchRequest(item.requestId()));
        gen.writeStringField("custom_id", item.customId());
        gen.writeNumberField("line", item.lineNumber() + 1);
        gen.writeStringField("model", item.model());
        gen.writeStringField("status", item.status().wire());
        gen.writeFieldName("input_body");
        writeBody(item.inputBody());
        if (item.statusCode() != null && item.responseBody() != null) {
            writeResponse(item.statusCode(), WireIds.request(item.requestId()), item.responseBody());
            gen.writeNullField("error");
        } else if (item.error() != null) {
            writeFailure(item.error(), item.requestId() == null ? null : WireIds.request(item.requestId()));
        } else {
            gen.writeNullField("response");
            gen.writeNullField("error");
        }
        gen.writeEndObject();
        newline();
    }

    /** An HTTP answer becomes {@code response} (even a non-2xx one); any other failure becomes {@code error}. */
    private void writeFailure(FailureReason reason, String requestId) throws IOException {
        switch (reason) {
            case FailureReason.NonRetriableHttpStatus s -> {
                writeResponse(s.status(), requestId, s.body());
                gen.writeNullField("error");
            }
            case FailureReason.RetriableHttpStatus s -> {
                writeResponse(s.status(), requestId, s.body());
                gen.writeNullField("error");
            }
            default -> {
                gen.writeNullField("response");
                gen.writeObjectFieldStart("error");
                gen.writeStringField("code", reason.code());
                gen.writeStringField("message", reason.message());
                gen.writeEndObject();
            }
        }
    }

    private void writeResponse(int statusCode, String requestId, String body) throws IOException {
        gen.writeObjectFieldStart("response");
        gen.writeNumberField("status_code", statusCode);
        gen.writeStringField("request_id", requestId);
        gen.writeFieldName("body");
        writeBody(body);
        gen.writeEndObject();
    }

    private void writeBody(String body) throws IOException {
        if (body == null) {
            gen.writeNull();
        } else if (isJsonValue(body)) {
            gen.writeRawValue(body.strip());
        } else {
            gen.writeString(body);
        }
    }

    private void newline() throws IOException {
        gen.flush();
        out.write('\n');
    }

    /** Exactly one JSON value, nothing after it. */
    static boolean isJsonValue(String text) {
        if (text.isBlank()) {
            return false;
        }
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        gen.flush();
        out.flush();
    }
}
