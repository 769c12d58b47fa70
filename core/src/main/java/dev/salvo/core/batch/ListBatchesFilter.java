package dev.salvo.core.batch;

import java.time.Instant;
import java.util.List;

/**
 * Which batches {@link BatchStorage#listBatches} returns, newest first: ordered by (createdAt, id)
 * descending, or with {@code activeFirst} by (active before inactive, createdAt, id). {@code after} is a
 * keyset cursor consistent with that order. Deleted batches are never listed.
 *
 * @param search     case-insensitive substring of the batch id, its metadata values or its input file's name
 * @param apiKeyIds  null = any; empty = none
 * @param createdAfter  inclusive
 * @param createdBefore inclusive
 */
public record ListBatchesFilter(String createdBy, String search, BatchId after, int limit, List<String> apiKeyIds,
                                BatchStatusFilter status, Instant createdAfter, Instant createdBefore,
                                boolean activeFirst) {

    public static final int DEFAULT_LIMIT = 100;

    public ListBatchesFilter {
        if (limit < 1) {
            throw new BatchStorageException.Validation("limit must be at least 1");
        }
    }

    public static ListBatchesFilter all() {
        return new ListBatchesFilter(null, null, null, DEFAULT_LIMIT, null, null, null, null, false);
    }

    public ListBatchesFilter withCreatedBy(String owner) {
        return new ListBatchesFilter(owner, search, after, limit, apiKeyIds, status, createdAfter, createdBefore, activeFirst);
    }

    public ListBatchesFilter withSearch(String text) {
        return new ListBatchesFilter(createdBy, text, after, limit, apiKeyIds, status, createdAfter, createdBefore, activeFirst);
    }

    public ListBatchesFilter page(BatchId cursor, int pageSize) {
        return new ListBatchesFilter(createdBy, search, cursor, pageSize, apiKeyIds, status, createdAfter, createdBefore, activeFirst);
    }

    public ListBatchesFilter withStatus(BatchStatusFilter newStatus) {
        return new ListBatchesFilter(createdBy, search, after, limit, apiKeyIds, newStatus, createdAfter, createdBefore, activeFirst);
    }

    public ListBatchesFilter createdBetween(Instant from, Instant to) {
        return new ListBatchesFilter(createdBy, search, after, limit, apiKeyIds, status, from, to, activeFirst);
    }

    public ListBatchesFilter withActiveFirst(boolean first) {
        return new ListBatchesFilter(createdBy, search, after, limit, apiKeyIds, status, createdAfter, createdBefore, first);
    }

    public ListBatchesFilter withApiKeyIds(List<String> ids) {
        return new ListBatchesFilter(createdBy, search, after, limit, ids, status, createdAfter, createdBefore, activeFirst);
    }
}
