package dev.salvo.core.batch;

import java.util.List;

/**
 * Which files {@link BatchStorage#listFiles} returns. Soft-deleted files are never listed. Order is
 * (createdAt, id), ascending or descending; {@code after} is a keyset cursor in that order.
 *
 * @param apiKeyIds null = any; an empty list matches nothing
 * @param limit     null = all
 */
public record FileFilter(String uploadedBy, FileStatus status, Purpose purpose, String search, FileId after,
                         Integer limit, List<String> apiKeyIds, boolean ascending) {

    public static FileFilter all() {
        return new FileFilter(null, null, null, null, null, null, null, false);
    }

    public FileFilter withUploadedBy(String owner) {
        return new FileFilter(owner, status, purpose, search, after, limit, apiKeyIds, ascending);
    }

    public FileFilter withPurpose(Purpose newPurpose) {
        return new FileFilter(uploadedBy, status, newPurpose, search, after, limit, apiKeyIds, ascending);
    }

    public FileFilter withSearch(String text) {
        return new FileFilter(uploadedBy, status, purpose, text, after, limit, apiKeyIds, ascending);
    }

    public FileFilter page(FileId cursor, Integer pageSize) {
        return new FileFilter(uploadedBy, status, purpose, search, cursor, pageSize, apiKeyIds, ascending);
    }

    public FileFilter inAscendingOrder(boolean asc) {
        return new FileFilter(uploadedBy, status, purpose, search, after, limit, apiKeyIds, asc);
    }

    public FileFilter withApiKeyIds(List<String> ids) {
        return new FileFilter(uploadedBy, status, purpose, search, after, limit, ids, ascending);
    }
}
