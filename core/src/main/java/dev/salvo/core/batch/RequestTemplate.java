package dev.salvo.core.batch;

import java.time.Instant;
import java.util.Objects;

/** A stored template: its input plus identity and its 0-based line in the file. */
public record RequestTemplate(TemplateId id, FileId fileId, long lineNumber, RequestTemplateInput input, Instant createdAt) {

    public RequestTemplate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(createdAt, "createdAt");
        if (lineNumber < 0) {
            throw new IllegalArgumentException("lineNumber must not be negative");
        }
    }
}
