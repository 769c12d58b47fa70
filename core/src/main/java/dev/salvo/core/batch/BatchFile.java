package dev.salvo.core.batch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file: an uploaded container of request templates (purpose {@code batch}) or a batch's virtual
 * output / error file, whose content is produced live from the batch's requests.
 *
 * @param sizeBytes     uploaded bytes for inputs; for virtual files an estimate until {@code sizeFinalized}
 * @param purpose       null when the uploader gave a purpose Salvo does not know (kept in {@code rawPurpose})
 * @param expiresAt     null = never (virtual files)
 * @param uploadedBy    opaque owner id (the principal); null when unknown
 */
public record BatchFile(
        FileId id,
        String name,
        String description,
        long sizeBytes,
        FileStatus status,
        String errorMessage,
        Purpose purpose,
        String rawPurpose,
        Instant createdAt,
        Instant expiresAt,
        Instant deletedAt,
        String uploadedBy,
        String apiKeyId,
        boolean sizeFinalized) {

    public BatchFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public Optional<Purpose> purposeValue() {
        return Optional.ofNullable(purpose);
    }

    public boolean isVirtual() {
        return purpose == Purpose.BATCH_OUTPUT || purpose == Purpose.BATCH_ERROR;
    }
}
