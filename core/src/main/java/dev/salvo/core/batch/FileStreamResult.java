package dev.salvo.core.batch;

/** How a file stream ended: stored as one file, or aborted by its producer with nothing stored. */
public sealed interface FileStreamResult {

    record Success(FileId fileId) implements FileStreamResult {
    }

    record Aborted() implements FileStreamResult {
    }
}
