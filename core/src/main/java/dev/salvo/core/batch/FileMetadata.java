package dev.salvo.core.batch;

/**
 * File properties carried by a file stream. Every field is optional; when several metadata items
 * arrive, each non-null field overwrites the earlier value (last writer wins, per field).
 *
 * @param expiresAfterSeconds file lifetime from creation; null = the default (30 days)
 * @param sizeBytes           bytes received, as counted by the uploader
 */
public record FileMetadata(
        String filename,
        String description,
        String purpose,
        String expiresAfterAnchor,
        Long expiresAfterSeconds,
        Long sizeBytes,
        String uploadedBy,
        String apiKeyId) {

    public static FileMetadata empty() {
        return new FileMetadata(null, null, null, null, null, null, null, null);
    }

    public static FileMetadata named(String filename) {
        return new FileMetadata(filename, null, null, null, null, null, null, null);
    }

    /** This metadata with every non-null field of {@code later} written over it. */
    public FileMetadata mergedWith(FileMetadata later) {
        return new FileMetadata(
                later.filename != null ? later.filename : filename,
                later.description != null ? later.description : description,
                later.purpose != null ? later.purpose : purpose,
                later.expiresAfterAnchor != null ? later.expiresAfterAnchor : expiresAfterAnchor,
                later.expiresAfterSeconds != null ? later.expiresAfterSeconds : expiresAfterSeconds,
                later.sizeBytes != null ? later.sizeBytes : sizeBytes,
                later.uploadedBy != null ? later.uploadedBy : uploadedBy,
                later.apiKeyId != null ? later.apiKeyId : apiKeyId);
    }
}
