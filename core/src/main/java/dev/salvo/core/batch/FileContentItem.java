package dev.salvo.core.batch;

import java.util.Objects;

/**
 * One line of a file's content as {@link BatchStorage#streamFileContent} yields it: a template of an
 * input file, a result of an output file, or an error of an error file. Rendering the OpenAI JSONL
 * form is the HTTP layer's job.
 */
public sealed interface FileContentItem {

    record TemplateLine(long lineNumber, RequestTemplateInput template) implements FileContentItem {
        public TemplateLine {
            Objects.requireNonNull(template, "template");
        }
    }

    /** A completed request: the upstream's status and body, as received. */
    record OutputLine(RequestId requestId, String customId, int statusCode, String body) implements FileContentItem {
        public OutputLine {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(body, "body");
        }
    }

    /** A request that failed for good; {@code code} is e.g. {@code batch_expired}, {@code message} says why. */
    record ErrorLine(RequestId requestId, String customId, FailureReason reason) implements FileContentItem {
        public ErrorLine {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
