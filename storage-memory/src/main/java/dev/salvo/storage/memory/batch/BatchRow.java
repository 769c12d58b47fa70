package dev.salvo.storage.memory.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStamp;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A batch with the indexes the hot paths need, kept up to date on every state change so that no
 * read or claim scans all of a batch's requests: counts per state (originals and copies apart),
 * pending requests per model in line order, and completed / failed requests in result order.
 */
final class BatchRow {

    private static final Comparator<RequestRow> BY_COMPLETION = Comparator
            .comparing((RequestRow r) -> ((RequestState.Completed) r.state).completedAt()).thenComparing(r -> r.id);
    private static final Comparator<RequestRow> BY_FAILURE = Comparator
            .comparing((RequestRow r) -> ((RequestState.Failed) r.state).failedAt()).thenComparing(r -> r.id);

    final BatchId id;
    final String endpoint;
    final String completionWindow;
    final Map<String, String> metadata;
    final String createdBy;
    final String apiKeyId;
    final String apiKey;
    final Instant createdAt;
    final Instant expiresAt;
    FileId fileId;
    FileId outputFileId;
    FileId errorFileId;
    long total;
    Instant inProgressAt;
    Instant finalizingAt;
    Instant completedAt;
    Instant failedAt;
    Instant expiredAt;
    Instant cancellingAt;
    Instant cancelledAt;
    Instant deletedAt;
    String errorMessage;
    boolean notified;

    /** Originals in line order. */
    final List<RequestRow> originals = new ArrayList<>();
    final List<RequestRow> copies = new ArrayList<>();
    private final Map<RequestStateKind, Long> originalCounts = new EnumMap<>(RequestStateKind.class);
    private final Map<RequestStateKind, Long> copyCounts = new EnumMap<>(RequestStateKind.class);
    final Map<String, TreeSet<RequestRow>> pendingByModel = new HashMap<>();
    final TreeSet<RequestRow> completed = new TreeSet<>(BY_COMPLETION);
    final TreeSet<RequestRow> failedOriginals = new TreeSet<>(BY_FAILURE);
    long completedBodyBytes;
    long failedMessageBytes;

    BatchRow(BatchId id, String endpoint, String completionWindow, Map<String, String> metadata, String createdBy,
             String apiKeyId, String apiKey, Instant createdAt, Instant expiresAt) {
        this.id = id;
        this.endpoint = endpoint;
        this.completionWindow = completionWindow;
        this.metadata = Map.copyOf(metadata);
        this.createdBy = createdBy;
        this.apiKeyId = apiKeyId;
        this.apiKey = apiKey;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    void add(RequestRow row) {
        (row.isCopy() ? copies : originals).add(row);
        enter(row);
    }

    /** Moves a request to a new state, keeping every index right. */
    void transition(RequestRow row, RequestState next) {
        leave(row);
        row.state = next;
        enter(row);
    }

    void remove(RequestRow row) {
        leave(row);
        (row.isCopy() ? copies : originals).remove(row);
    }

    private void enter(RequestRow row) {
        (row.isCopy() ? copyCounts : originalCounts).merge(row.kind(), 1L, Long::sum);
        switch (row.state) {
            case RequestState.Pending p -> pendingByModel.computeIfAbsent(row.model, m -> new TreeSet<>(RequestRow.LINE_ORDER)).add(row);
            case RequestState.Completed c -> {
                completed.add(row);
                completedBodyBytes += utf8Length(c.responseBody());
            }
            case RequestState.Failed f -> {
                if (!row.isCopy()) {
                    failedOriginals.add(row);
                    failedMessageBytes += utf8Length(f.reason().message());
                }
            }
            default -> {
            }
        }
    }

    private void leave(RequestRow row) {
        (row.isCopy() ? copyCounts : originalCounts).merge(row.kind(), -1L, Long::sum);
        switch (row.state) {
            case RequestState.Pending p -> {
                TreeSet<RequestRow> pending = pendingByModel.get(row.model);
                pending.remove(row);
                if (pending.isEmpty()) {
                    pendingByModel.remove(row.model);
                }
            }
            case RequestState.Completed c -> {
                completed.remove(row);
                completedBodyBytes -= utf8Length(c.responseBody());
            }
            case RequestState.Failed f -> {
                if (!row.isCopy()) {
                    failedOriginals.remove(row);
                    failedMessageBytes -= utf8Length(f.reason().message());
                }
            }
            default -> {
            }
        }
    }

    /** UTF-8 length without encoding the string (this runs on every completion). */
    static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    long originals(RequestStateKind kind) {
        return originalCounts.getOrDefault(kind, 0L);
    }

    long copies(RequestStateKind kind) {
        return copyCounts.getOrDefault(kind, 0L);
    }

    /** Claimed or processing, originals and copies: calls that may still be running. */
    long inFlight() {
        return originals(RequestStateKind.CLAIMED) + originals(RequestStateKind.PROCESSING)
                + copies(RequestStateKind.CLAIMED) + copies(RequestStateKind.PROCESSING);
    }

    long liveCopies() {
        return copies(RequestStateKind.PENDING) + copies(RequestStateKind.CLAIMED) + copies(RequestStateKind.PROCESSING);
    }

    long unfinishedOriginals() {
        return originals(RequestStateKind.PENDING) + originals(RequestStateKind.CLAIMED) + originals(RequestStateKind.PROCESSING);
    }

    boolean populated() {
        return inProgressAt != null;
    }

    /** The stamps that are set, as the domain's batch rules read them. */
    Set<BatchStamp> stamps() {
        return BatchStamp.where(stamp -> switch (stamp) {
            case IN_PROGRESS -> inProgressAt != null;
            case FINALIZING -> finalizingAt != null;
            case COMPLETED -> completedAt != null;
            case FAILED -> failedAt != null;
            case EXPIRED -> expiredAt != null;
            case CANCELLING -> cancellingAt != null;
            case CANCELLED -> cancelledAt != null;
            case DELETED -> deletedAt != null;
        });
    }

    /** What {@link BatchLifecycle#settle} asks about this batch. */
    BatchLifecycle.SettleFacts settleFacts() {
        return new BatchLifecycle.SettleFacts(stamps(), originals.size(), originals.size() - unfinishedOriginals(),
                () -> inFlight() > 0, () -> liveCopies() > 0);
    }

    boolean terminal() {
        return !BatchLifecycle.UNFINISHED.test(stamps());
    }

    /** Running: requests may be claimed. */
    boolean runnable(Instant now) {
        return BatchLifecycle.RUNNING.test(stamps()) && now.isBefore(expiresAt);
    }

    boolean active() {
        return !terminal() && cancellingAt == null && deletedAt == null;
    }

    RequestCounts counts() {
        long pending = originals(RequestStateKind.PENDING);
        long inProgress = originals(RequestStateKind.CLAIMED) + originals(RequestStateKind.PROCESSING);
        long completedCount = originals(RequestStateKind.COMPLETED) + originals(RequestStateKind.SUPERSEDED);
        long failed = originals(RequestStateKind.FAILED);
        long canceled = originals(RequestStateKind.CANCELED);
        if (cancellingAt != null) {
            canceled += pending + inProgress;
            pending = 0;
            inProgress = 0;
        }
        return new RequestCounts(total, pending, inProgress, completedCount, failed, canceled);
    }

    Batch toBatch() {
        return new Batch(id, fileId, endpoint, completionWindow, metadata, createdBy, apiKeyId, outputFileId, errorFileId,
                createdAt, expiresAt, inProgressAt, finalizingAt, completedAt, failedAt, expiredAt, cancellingAt,
                cancelledAt, deletedAt, errorMessage, counts());
    }
}
