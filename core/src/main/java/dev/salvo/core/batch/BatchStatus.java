package dev.salvo.core.batch;

import java.time.Instant;

/** A compact view of a batch's progress (fusillade's {@code BatchStatus}), with its input file's name. */
public record BatchStatus(BatchId batchId, FileId fileId, String fileName, RequestCounts counts,
                          OpenAiBatchStatus status, Instant createdAt, Instant inProgressAt, Instant failedAt) {

    public static BatchStatus of(Batch batch, String fileName) {
        return new BatchStatus(batch.id(), batch.fileId(), fileName, batch.counts(), batch.status(),
                batch.createdAt(), batch.inProgressAt(), batch.failedAt());
    }

    public boolean isFinished() {
        return counts.allTerminal();
    }
}
