package dev.salvo.storage.memory.batch;

import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A stored file; mutable, guarded by the store's lock. */
final class FileRow {

    final FileId id;
    final String name;
    final String description;
    final long sizeBytes;
    final Purpose purpose;
    final String rawPurpose;
    final Instant createdAt;
    final Instant expiresAt;
    final String uploadedBy;
    final String apiKeyId;
    /** Templates of an input file, in line order; empty for virtual files. */
    final List<RequestTemplate> templates = new ArrayList<>();
    /** For virtual files, the batch whose results they show. */
    BatchId ownerBatch;
    Instant deletedAt;

    FileRow(FileId id, String name, String description, long sizeBytes, Purpose purpose, String rawPurpose,
            Instant createdAt, Instant expiresAt, String uploadedBy, String apiKeyId) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.sizeBytes = sizeBytes;
        this.purpose = purpose;
        this.rawPurpose = rawPurpose;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.uploadedBy = uploadedBy;
        this.apiKeyId = apiKeyId;
    }

    boolean deleted() {
        return deletedAt != null;
    }

    FileStatus status(Instant now) {
        if (deletedAt != null) {
            return FileStatus.DELETED;
        }
        if (BatchLifecycle.fileExpired(expiresAt, now)) {
            return FileStatus.EXPIRED;
        }
        return FileStatus.PROCESSED;
    }

    BatchFile toFile(Instant now, long size, boolean sizeFinalized) {
        return new BatchFile(id, name, description, size, status(now), null, purpose, rawPurpose, createdAt, expiresAt,
                deletedAt, uploadedBy, apiKeyId, sizeFinalized);
    }
}
