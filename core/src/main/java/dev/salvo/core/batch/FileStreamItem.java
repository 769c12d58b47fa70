package dev.salvo.core.batch;

import java.util.Objects;

/**
 * One element of a file upload as it streams into {@link BatchStorage#createFileStream}: metadata
 * (anywhere, any number of times), a template (appended in arrival order, line numbers from 0), or an
 * abort (the producer gave up: everything is rolled back).
 */
public sealed interface FileStreamItem {

    record Metadata(FileMetadata metadata) implements FileStreamItem {
        public Metadata {
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    record Template(RequestTemplateInput template) implements FileStreamItem {
        public Template {
            Objects.requireNonNull(template, "template");
        }
    }

    /** The producer aborts; the store keeps nothing and answers {@link FileStreamResult.Aborted}. */
    record Abort() implements FileStreamItem {
    }
}
