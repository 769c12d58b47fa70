package dev.salvo.http.batch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds multipart/form-data bodies for tests, fields in the order given. */
final class Multipart {

    static final String BOUNDARY = "----salvo-test-boundary-7MA4YWxkTrZu0gW";

    private record Field(String name, String filename, byte[] value) {
    }

    private final List<Field> fields = new ArrayList<>();

    static Multipart upload(String jsonl) {
        return new Multipart().file("requests.jsonl", jsonl.getBytes(StandardCharsets.UTF_8)).field("purpose", "batch");
    }

    Multipart field(String name, String value) {
        fields.add(new Field(name, null, value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    Multipart file(String filename, byte[] content) {
        fields.add(new Field("file", filename, content));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f.name() + "\""
                    + (f.filename() == null ? "" : "; filename=\"" + f.filename() + "\"\r\nContent-Type: application/jsonl")
                    + "\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(f.value());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
