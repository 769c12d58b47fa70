package dev.salvo.http.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.http.support.WireIds;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's Batch object, every field present ({@code null} where unknown). {@code request_counts.failed}
 * counts requests that failed; requests cancelled with their batch are in neither count, as with OpenAI.
 * {@code input_file_id} is {@code ""} once the input file was deleted (typed SDKs declare it non-null).
 */
public record BatchObject(
        String id,
        String object,
        String endpoint,
        Errors errors,
        String inputFileId,
        String completionWindow,
        String status,
        String outputFileId,
        String errorFileId,
        long createdAt,
        Long inProgressAt,
        Long expiresAt,
        Long finalizingAt,
        Long completedAt,
        Long failedAt,
        Long expiredAt,
        Long cancellingAt,
        Long cancelledAt,
        Counts requestCounts,
        Map<String, String> metadata,
        String model,
        Object usage) {

    public record Counts(long total, long completed, long failed) {
    }

    public record Errors(String object, List<ErrorItem> data) {
    }

    public record ErrorItem(String code, String message, String param, Integer line) {
    }

    public static BatchObject of(Batch b) {
        Errors errors = b.errorMessage() == null ? null
                : new Errors("list", List.of(new ErrorItem("batch_failed", b.errorMessage(), null, null)));
        return new BatchObject(
                WireIds.batch(b.id()),
                "batch",
                b.endpoint(),
                errors,
                b.fileId() == null ? "" : WireIds.file(b.fileId()),
                b.completionWindow(),
                b.status().wire(),
                b.outputFileId() == null ? null : WireIds.file(b.outputFileId()),
                b.errorFileId() == null ? null : WireIds.file(b.errorFileId()),
                b.createdAt().getEpochSecond(),
                FileObject.seconds(b.inProgressAt()),
                FileObject.seconds(b.expiresAt()),
                FileObject.seconds(b.finalizingAt()),
                FileObject.seconds(b.completedAt()),
                FileObject.seconds(b.failedAt()),
                FileObject.seconds(b.expiredAt()),
                FileObject.seconds(b.cancellingAt()),
                FileObject.seconds(b.cancelledAt()),
                new Counts(b.counts().total(), b.counts().completed(), b.counts().failed()),
                b.metadata().isEmpty() ? null : b.metadata(),
                null,
                null);
    }

    /** What DELETE answers (an extension; OpenAI batches cannot be deleted). */
    public record Deleted(String id, String object, boolean deleted) {
    }
}
