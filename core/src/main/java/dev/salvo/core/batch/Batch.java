package dev.salvo.core.batch;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A batch: one execution of every template of an input file, with a deadline.
 *
 * <p>Status is derived from the timestamps, each set exactly once by the store: {@code inProgressAt}
 * when requests were populated, {@code finalizingAt} and then {@code completedAt} when the last
 * request became terminal, {@code failedAt} for a batch-level failure (validation, population),
 * {@code cancellingAt} on cancel and {@code cancelledAt} once nothing is in flight,
 * {@code expiredAt} when the deadline passed with requests unfinished. Reads never change a batch.
 *
 * @param fileId        null once the input file was deleted
 * @param errorMessage  batch-level failure message (null unless failed)
 */
public record Batch(
        BatchId id,
        FileId fileId,
        String endpoint,
        String completionWindow,
        Map<String, String> metadata,
        String createdBy,
        String apiKeyId,
        FileId outputFileId,
        FileId errorFileId,
        Instant createdAt,
        Instant expiresAt,
        Instant inProgressAt,
        Instant finalizingAt,
        Instant completedAt,
        Instant failedAt,
        Instant expiredAt,
        Instant cancellingAt,
        Instant cancelledAt,
        Instant deletedAt,
        String errorMessage,
        RequestCounts counts) {

    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        Objects.requireNonNull(counts, "counts");
    }

    /** The status OpenAI clients see. */
    public OpenAiBatchStatus status() {
        if (failedAt != null) {
            return OpenAiBatchStatus.FAILED;
        }
        if (cancelledAt != null) {
            return OpenAiBatchStatus.CANCELLED;
        }
        if (expiredAt != null) {
            return OpenAiBatchStatus.EXPIRED;
        }
        if (completedAt != null) {
            return OpenAiBatchStatus.COMPLETED;
        }
        if (cancellingAt != null) {
            return OpenAiBatchStatus.CANCELLING;
        }
        if (inProgressAt == null) {
            return OpenAiBatchStatus.VALIDATING;
        }
        if (finalizingAt != null) {
            return OpenAiBatchStatus.FINALIZING;
        }
        return OpenAiBatchStatus.IN_PROGRESS;
    }

    /** No terminal stamp and no cancel requested: the batch may still run requests. */
    public boolean isActive() {
        return completedAt == null && failedAt == null && cancelledAt == null && expiredAt == null
                && cancellingAt == null && deletedAt == null;
    }

    public boolean isTerminal() {
        return status().terminal();
    }
}
