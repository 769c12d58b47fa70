package dev.salvo.http.batch;

import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.Purpose;
import dev.salvo.http.support.WireIds;
import java.time.Instant;

/**
 * OpenAI's File object. A batch's error file reports purpose {@code batch_output}, as OpenAI's do: the
 * SDKs know no {@code batch_error} purpose. {@code status} is always {@code processed}: a file exists
 * only once its bytes are stored (the SDK's {@code waitForProcessing} polls for exactly that).
 */
public record FileObject(String id, String object, long bytes, long createdAt, Long expiresAt, String filename,
                         String purpose, String status, String statusDetails) {

    public static FileObject of(BatchFile file) {
        return new FileObject(WireIds.file(file.id()), "file", file.sizeBytes(), file.createdAt().getEpochSecond(),
                seconds(file.expiresAt()), file.name(), purpose(file), "processed", null);
    }

    static String purpose(BatchFile file) {
        if (file.purpose() == null) {
            return file.rawPurpose();
        }
        return file.purpose() == Purpose.BATCH ? "batch" : "batch_output";
    }

    static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    /** What DELETE answers. */
    public record Deleted(String id, String object, boolean deleted) {
    }
}
