package dev.salvo.storage.memory.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.RacingPair;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimScoring;
import dev.salvo.core.batch.CompletionWindow;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.PersistGuard;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplate;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.batch.SearchText;
import dev.salvo.core.batch.TemplateId;
import dev.salvo.core.batch.VirtualFileSize;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.core.daemon.DaemonStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@link BatchStorage} and {@link DaemonStorage} in memory: the reference semantics of
 * docs/batch-storage.md. One lock guards everything, so every operation is atomic; the per-batch
 * indexes in {@link BatchRow} keep claims, counts and result streams from scanning whole batches.
 * Streams are materialized under the lock (this adapter holds everything in memory anyway).
 */
public final class MemoryBatchStorage implements BatchStorage, DaemonStorage {


    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<FileId, FileRow> files = new HashMap<>();
    private final Map<BatchId, BatchRow> batches = new HashMap<>();
    private final Map<RequestId, RequestRow> requests = new HashMap<>();
    /** Claimed or processing requests, for the stale-claim sweep. */
    private final Set<RequestRow> inFlight = new LinkedHashSet<>();
    private final Map<DaemonId, DaemonRecord> daemons = new HashMap<>();

    public MemoryBatchStorage(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void lockedRun(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    // ------------------------------------------------------------------ files

    @Override
    public FileStreamResult createFileStream(Iterator<FileStreamItem> items) {
        // Consumed outside the lock: a slow producer must not stall the store. Nothing is visible until the end.
        FileId id = FileId.generate();
        Instant now = clock.instant();
        FileMetadata metadata = FileMetadata.empty();
        List<RequestTemplateInput> inputs = new ArrayList<>();
        while (items.hasNext()) {
            switch (items.next()) {
                case FileStreamItem.Metadata m -> metadata = metadata.mergedWith(m.metadata());
                case FileStreamItem.Template t -> inputs.add(t.template());
                case FileStreamItem.Abort a -> {
                    return new FileStreamResult.Aborted();
                }
            }
        }
        if (metadata.expiresAfterSeconds() != null && metadata.expiresAfterSeconds() <= 0) {
            throw new BatchStorageException.Validation("expires_after seconds must be positive");
        }
        Instant expiresAt = BatchLifecycle.fileExpiresAt(now, metadata.expiresAfterSeconds());
        String rawPurpose = metadata.purpose() != null ? metadata.purpose() : Purpose.BATCH.wire();
        FileRow row = new FileRow(id, metadata.filename() != null ? metadata.filename() : "upload-" + id,
                metadata.description(), metadata.sizeBytes() != null ? metadata.sizeBytes() : 0,
                Purpose.parse(rawPurpose).orElse(null), rawPurpose, now, expiresAt, metadata.uploadedBy(), metadata.apiKeyId());
        for (int line = 0; line < inputs.size(); line++) {
            row.templates.add(new RequestTemplate(TemplateId.generate(), id, line, inputs.get(line), now));
        }
        lockedRun(() -> files.put(id, row));
        return new FileStreamResult.Success(id);
    }

    @Override
    public BatchFile getFile(FileId id) {
        return locked(() -> toFile(liveFile(id)));
    }

    private FileRow liveFile(FileId id) {
        FileRow row = files.get(id);
        if (row == null || row.deleted()) {
            throw new BatchStorageException.NotFound(Entity.FILE, id);
        }
        return row;
    }

    private BatchFile toFile(FileRow row) {
        Instant now = clock.instant();
        if (row.purpose != Purpose.BATCH_OUTPUT && row.purpose != Purpose.BATCH_ERROR) {
            return row.toFile(now, row.sizeBytes, true);
        }
        BatchRow batch = row.ownerBatch == null ? null : batches.get(row.ownerBatch);
        if (batch == null) {
            return row.toFile(now, 0, true);
        }
        long size = row.purpose == Purpose.BATCH_OUTPUT
                ? VirtualFileSize.ofOutput(batch.completed.size(), batch.completedBodyBytes)
                : VirtualFileSize.ofErrors(batch.failedOriginals.size(), batch.failedMessageBytes);
        return row.toFile(now, size, batch.terminal());
    }

    @Override
    public List<BatchFile> listFiles(FileFilter filter) {
        return locked(() -> {
            Instant now = clock.instant();
            Comparator<FileRow> order = Comparator.comparing((FileRow f) -> f.createdAt).thenComparing(f -> f.id);
            if (!filter.ascending()) {
                order = order.reversed();
            }
            FileRow cursor = null;
            if (filter.after() != null) {
                cursor = files.get(filter.after());
                if (cursor == null) {
                    throw new BatchStorageException.NotFound(Entity.FILE, filter.after());
                }
            }
            String search = lower(filter.search());
            List<FileRow> matching = new ArrayList<>();
            for (FileRow f : files.values()) {
                if (f.deleted()
                        || (filter.uploadedBy() != null && !filter.uploadedBy().equals(f.uploadedBy))
                        || (filter.status() != null && filter.status() != f.status(now))
                        || (filter.purpose() != null && filter.purpose() != f.purpose)
                        || !SearchText.contains(f.name, search)
                        || (filter.apiKeyIds() != null && !filter.apiKeyIds().contains(f.apiKeyId))
                        || (cursor != null && order.compare(f, cursor) <= 0)) {
                    continue;
                }
                matching.add(f);
            }
            matching.sort(order);
            int limit = filter.limit() == null ? matching.size() : Math.min(filter.limit(), matching.size());
            return matching.subList(0, limit).stream().map(this::toFile).toList();
        });
    }

    @Override
    public Stream<FileContentItem> streamFileContent(FileId id, long offset, String search) {
        return locked(() -> {
            FileRow file = liveFile(id);
            String needle = lower(search);
            List<FileContentItem> items = new ArrayList<>();
            if (file.purpose == Purpose.BATCH_OUTPUT || file.purpose == Purpose.BATCH_ERROR) {
                BatchRow batch = file.ownerBatch == null ? null : batches.get(file.ownerBatch);
                if (batch != null && file.purpose == Purpose.BATCH_OUTPUT) {
                    for (RequestRow r : batch.completed) {
                        RequestState.Completed c = (RequestState.Completed) r.state;
                        if (matches(r.template.input().customId(), needle)) {
                            items.add(new FileContentItem.OutputLine(r.id, r.template.input().customId(), c.responseStatus(), c.responseBody()));
                        }
                    }
                } else if (batch != null) {
                    for (RequestRow r : batch.failedOriginals) {
                        if (matches(r.template.input().customId(), needle)) {
                            items.add(new FileContentItem.ErrorLine(r.id, r.template.input().customId(),
                                    ((RequestState.Failed) r.state).reason()));
                        }
                    }
                }
            } else {
                for (RequestTemplate t : file.templates) {
                    if (matches(t.input().customId(), needle)) {
                        items.add(new FileContentItem.TemplateLine(t.lineNumber(), t.input()));
                    }
                }
            }
            return skip(items, offset).stream();
        });
    }

    @Override
    public List<ModelTemplateStats> getFileTemplateStats(FileId id) {
        return locked(() -> {
            Map<String, long[]> perModel = new TreeMap<>();
            for (RequestTemplate t : liveFile(id).templates) {
                long[] acc = perModel.computeIfAbsent(t.input().model(), m -> new long[2]);
                acc[0]++;
                acc[1] += t.input().bodyByteSize();
            }
            return perModel.entrySet().stream()
                    .map(e -> new ModelTemplateStats(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
        });
    }

    @Override
    public void deleteFile(FileId id) {
        lockedRun(() -> {
            FileRow file = liveFile(id);
            Instant now = clock.instant();
            for (BatchRow batch : batches.values()) {
                if (id.equals(batch.fileId)) {
                    if (!batch.terminal() && batch.deletedAt == null) {
                        requestCancel(batch, now);
                    }
                    batch.fileId = null;
                }
                if (id.equals(batch.outputFileId)) {
                    batch.outputFileId = null;
                }
                if (id.equals(batch.errorFileId)) {
                    batch.errorFileId = null;
                }
            }
            file.deletedAt = now;
        });
    }

    // ------------------------------------------------------------------ batches

    @Override
    public Batch createBatchRecord(BatchInput input) {
        CompletionWindow window = CompletionWindow.parse(input.completionWindow());
        return locked(() -> {
            FileRow file = liveFile(input.fileId());
            if (file.purpose != Purpose.BATCH) {
                throw new BatchStorageException.Validation("file " + file.id + " has purpose '" + file.rawPurpose
                        + "'; a batch needs a file with purpose 'batch'");
            }
            Instant now = clock.instant();
            BatchId id = BatchId.generate();
            BatchRow batch = new BatchRow(id, input.endpoint(), window.text(), input.metadata(), input.createdBy(),
                    input.apiKeyId(), input.apiKey(), now, now.plus(window.duration()));
            batch.fileId = file.id;
            batch.total = input.expectedRequests() == null ? 0 : input.expectedRequests();
            batch.outputFileId = virtualFile(batch, Purpose.BATCH_OUTPUT, "output", "Output", now);
            batch.errorFileId = virtualFile(batch, Purpose.BATCH_ERROR, "error", "Error", now);
            batches.put(id, batch);
            return batch.toBatch();
        });
    }

    private FileId virtualFile(BatchRow batch, Purpose purpose, String suffix, String title, Instant now) {
        FileId id = FileId.generate();
        FileRow row = new FileRow(id, "batch-" + batch.id + "-" + suffix + ".jsonl", title + " file for batch " + batch.id,
                0, purpose, purpose.wire(), now, null, batch.createdBy.isEmpty() ? null : batch.createdBy, batch.apiKeyId);
        row.ownerBatch = batch.id;
        files.put(id, row);
        return id;
    }

    @Override
    public void populateBatch(BatchId batchId, FileId fileId) {
        lockedRun(() -> {
            BatchRow batch = existingBatch(batchId);
            if (batch.populated()) {
                return;
            }
            if (batch.deletedAt != null || batch.cancellingAt != null || batch.failedAt != null) {
                throw new BatchStorageException.InvalidState("batch " + batchId + " is deleted, cancelled or failed");
            }
            FileRow file = files.get(fileId);
            if (file == null) {
                throw new BatchStorageException.NotFound(Entity.FILE, fileId);
            }
            if (file.deleted()) {
                throw new BatchStorageException.InvalidState("file " + fileId + " was deleted");
            }
            if (file.templates.isEmpty()) {
                throw new BatchStorageException.Validation("Cannot populate batch from file with no templates");
            }
            for (RequestTemplate t : file.templates) {
                RequestRow row = new RequestRow(RequestId.generate(), batchId, t, t.input().model(), null, null,
                        RequestState.Pending.fresh());
                requests.put(row.id, row);
                batch.add(row);
            }
            batch.total = file.templates.size();
            batch.inProgressAt = clock.instant();
        });
    }

    private BatchRow existingBatch(BatchId id) {
        BatchRow batch = batches.get(id);
        if (batch == null) {
            throw new BatchStorageException.NotFound(Entity.BATCH, id);
        }
        return batch;
    }

    private BatchRow liveBatch(BatchId id) {
        BatchRow batch = existingBatch(id);
        if (batch.deletedAt != null) {
            throw new BatchStorageException.NotFound(Entity.BATCH, id);
        }
        return batch;
    }

    @Override
    public Batch getBatch(BatchId id) {
        return locked(() -> liveBatch(id).toBatch());
    }

    @Override
    public BatchStatus getBatchStatus(BatchId id) {
        return locked(() -> {
            BatchRow batch = liveBatch(id);
            return BatchStatus.of(batch.toBatch(), fileName(batch.fileId));
        });
    }

    private String fileName(FileId id) {
        FileRow file = id == null ? null : files.get(id);
        return file == null ? null : file.name;
    }

    @Override
    public List<BatchStatus> listFileBatches(FileId fileId) {
        return locked(() -> batches.values().stream()
                .filter(b -> fileId.equals(b.fileId) && b.deletedAt == null)
                .sorted(Comparator.comparing((BatchRow b) -> b.createdAt).thenComparing(b -> b.id).reversed())
                .map(b -> BatchStatus.of(b.toBatch(), fileName(b.fileId)))
                .toList());
    }

    @Override
    public List<Batch> listBatches(ListBatchesFilter filter) {
        return locked(() -> {
            Comparator<BatchRow> order = Comparator.comparing((BatchRow b) -> b.createdAt).thenComparing(b -> b.id).reversed();
            if (filter.activeFirst()) {
                order = Comparator.comparing((BatchRow b) -> b.active() ? 0 : 1).thenComparing(order);
            }
            BatchRow cursor = null;
            if (filter.after() != null) {
                cursor = existingBatch(filter.after());
            }
            String search = lower(filter.search());
            List<BatchRow> matching = new ArrayList<>();
            for (BatchRow b : batches.values()) {
                Batch view = b.toBatch();
                if (b.deletedAt != null
                        || (filter.createdBy() != null && !filter.createdBy().equals(b.createdBy))
                        || (filter.apiKeyIds() != null && !filter.apiKeyIds().contains(b.apiKeyId))
                        || (filter.status() != null && !filter.status().matches(view))
                        || (filter.createdAfter() != null && b.createdAt.isBefore(filter.createdAfter()))
                        || (filter.createdBefore() != null && b.createdAt.isAfter(filter.createdBefore()))
                        || (search != null && !batchMatches(b, search))
                        || (cursor != null && order.compare(b, cursor) <= 0)) {
                    continue;
                }
                matching.add(b);
            }
            matching.sort(order);
            return matching.stream().limit(filter.limit()).map(BatchRow::toBatch).toList();
        });
    }

    private boolean batchMatches(BatchRow b, String search) {
        if (SearchText.contains(b.id.toString(), search)) {
            return true;
        }
        for (String value : b.metadata.values()) {
            if (SearchText.contains(value, search)) {
                return true;
            }
        }
        return SearchText.contains(fileName(b.fileId), search);
    }

    @Override
    public Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type) {
        return locked(() -> batches.values().stream()
                .filter(b -> b.deletedAt == null
                        && fileId.equals(type == OutputFileType.OUTPUT ? b.outputFileId : b.errorFileId))
                .findFirst().map(BatchRow::toBatch));
    }

    @Override
    public Stream<BatchRequest> streamBatchRequests(BatchId batchId) {
        return locked(() -> {
            BatchRow batch = liveBatch(batchId);
            List<RequestRow> rows = new ArrayList<>(batch.originals);
            rows.addAll(batch.copies);
            rows.sort(RequestRow.LINE_ORDER);
            return rows.stream().map(r -> toRequest(r, batch)).toList().stream();
        });
    }

    @Override
    public Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status) {
        return locked(() -> {
            BatchRow batch = liveBatch(batchId);
            String needle = lower(search);
            List<BatchResultItem> items = new ArrayList<>();
            for (RequestRow original : batch.originals) {
                RequestRow shown = original;
                if (original.state instanceof RequestState.Superseded s) {
                    shown = requests.getOrDefault(s.supersededBy(), original);
                }
                BatchResultItem item = resultItem(batch, original, shown);
                if (matches(original.template.input().customId(), needle) && (status == null || status == item.status())) {
                    items.add(item);
                }
            }
            return skip(items, offset).stream();
        });
    }

    private static BatchResultItem resultItem(BatchRow batch, RequestRow original, RequestRow shown) {
        RequestTemplateInput input = original.template.input();
        ResultStatus status;
        Integer code = null;
        String body = null;
        FailureReason error = null;
        switch (shown.state) {
            case RequestState.Completed c -> {
                status = ResultStatus.COMPLETED;
                code = c.responseStatus();
                body = c.responseBody();
            }
            case RequestState.Failed f -> {
                status = ResultStatus.FAILED;
                error = f.reason();
            }
            case RequestState.Canceled c -> status = ResultStatus.CANCELED;
            case RequestState.Pending p -> status = batch.cancellingAt != null ? ResultStatus.CANCELED : ResultStatus.PENDING;
            default -> status = batch.cancellingAt != null ? ResultStatus.CANCELED : ResultStatus.IN_PROGRESS;
        }
        return new BatchResultItem(shown.id, original.template.lineNumber(), input.customId(), original.model, input.body(),
                code, body, error, status);
    }

    @Override
    public Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids) {
        return locked(() -> {
            Set<BatchId> cancelled = new LinkedHashSet<>();
            for (BatchId id : ids) {
                BatchRow b = batches.get(id);
                if (b != null && (b.cancellingAt != null || b.deletedAt != null)) {
                    cancelled.add(id);
                }
            }
            return cancelled;
        });
    }

    @Override
    public Batch cancelBatch(BatchId id) {
        return locked(() -> {
            BatchRow batch = liveBatch(id);
            switch (BatchLifecycle.cancel(batch.stamps())) {
                case REFUSE -> throw new BatchStorageException.InvalidState("batch " + id + " is already "
                        + batch.toBatch().status().wire());
                case CANCEL -> requestCancel(batch, clock.instant());
                case ALREADY_CANCELLING -> { }
            }
            return batch.toBatch();
        });
    }

    private void requestCancel(BatchRow batch, Instant now) {
        if (batch.cancellingAt == null) {
            batch.cancellingAt = now;
        }
        settle(batch, now);
    }

    @Override
    public void deleteBatch(BatchId id) {
        lockedRun(() -> {
            BatchRow batch = liveBatch(id);
            Instant now = clock.instant();
            if (BatchLifecycle.deleteCancelsFirst(batch.stamps())) {
                requestCancel(batch, now);
            }
            batch.deletedAt = now;
        });
    }

    @Override
    public List<RequestOutcome> retryFailedRequests(List<RequestId> ids) {
        return locked(() -> {
            List<RequestOutcome> outcomes = new ArrayList<>(ids.size());
            for (RequestId id : ids) {
                RequestRow row = requests.get(id);
                if (row == null) {
                    outcomes.add(new RequestOutcome.NotFound(id));
                    continue;
                }
                BatchRow batch = batches.get(row.batchId);
                if (row.isCopy() || row.kind() != RequestStateKind.FAILED || !retriable(batch)) {
                    outcomes.add(new RequestOutcome.NotApplicable(id, row.kind()));
                    continue;
                }
                batch.transition(row, RequestState.Pending.fresh());
                reopen(batch);
                outcomes.add(new RequestOutcome.Done(id));
            }
            return outcomes;
        });
    }

    private static boolean retriable(BatchRow batch) {
        return BatchLifecycle.RETRIES.test(batch.stamps());
    }

    private static void reopen(BatchRow batch) {
        batch.completedAt = null;
        batch.finalizingAt = null;
        batch.notified = false;
    }

    @Override
    public long retryFailedRequestsForBatch(BatchId batchId) {
        return locked(() -> {
            BatchRow batch = liveBatch(batchId);
            if (!retriable(batch)) {
                throw new BatchStorageException.InvalidState("batch " + batchId + " is " + batch.toBatch().status().wire()
                        + "; only running or completed batches can retry failed requests");
            }
            List<RequestRow> failed = new ArrayList<>(batch.failedOriginals);
            for (RequestRow row : failed) {
                batch.transition(row, RequestState.Pending.fresh());
            }
            if (!failed.isEmpty()) {
                reopen(batch);
            }
            return (long) failed.size();
        });
    }

    @Override
    public Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                               Set<String> models, boolean strict) {
        return locked(() -> {
            Map<String, Map<String, Long>> result = new TreeMap<>();
            if (windows.isEmpty() || states.isEmpty()) {
                return result;
            }
            Instant now = clock.instant();
            for (BatchRow batch : batches.values()) {
                if (!batch.active()) {
                    continue;
                }
                for (List<RequestRow> rows : List.of(batch.originals, batch.copies)) {
                    for (RequestRow r : rows) {
                        if (!states.contains(r.kind()) || (!models.isEmpty() && !models.contains(r.model))) {
                            continue;
                        }
                        Map<String, Long> buckets = result.computeIfAbsent(r.model, m -> {
                            Map<String, Long> zero = new LinkedHashMap<>();
                            windows.forEach(w -> zero.put(w.label(), 0L));
                            return zero;
                        });
                        for (PendingCountWindow w : windows) {
                            if (!batch.expiresAt.isAfter(now.plus(w.within()))) {
                                buckets.merge(w.label(), 1L, Long::sum);
                            }
                        }
                    }
                }
            }
            return result;
        });
    }

    @Override
    public List<RequestOutcome> cancelRequests(List<RequestId> ids) {
        return locked(() -> {
            Instant now = clock.instant();
            List<RequestOutcome> outcomes = new ArrayList<>(ids.size());
            for (RequestId id : ids) {
                RequestRow row = requests.get(id);
                if (row == null) {
                    outcomes.add(new RequestOutcome.NotFound(id));
                } else if (row.kind().terminal()) {
                    outcomes.add(new RequestOutcome.NotApplicable(id, row.kind()));
                } else {
                    BatchRow batch = batches.get(row.batchId);
                    move(batch, row, new RequestState.Canceled(now));
                    // Cancelling a request cancels its template's work: the racing copy goes too.
                    RequestRow copy = row.twin != null ? requests.get(row.twin) : null;
                    if (copy != null && RacingPair.cancelReachesCopy(!row.isCopy(), copy.kind())) {
                        move(batch, copy, new RequestState.Canceled(now));
                    }
                    settle(batch, now);
                    outcomes.add(new RequestOutcome.Done(id));
                }
            }
            return outcomes;
        });
    }

    @Override
    public List<RequestLookup> getRequests(List<RequestId> ids) {
        return locked(() -> ids.stream().map(id -> {
            RequestRow row = requests.get(id);
            return row == null
                    ? (RequestLookup) new RequestLookup.Missing(id)
                    : new RequestLookup.Found(toRequest(row, batches.get(row.batchId)));
        }).toList());
    }

    // ------------------------------------------------------------------ claims and results

    @Override
    public List<BatchRequest> claimRequests(ClaimRequest claim) {
        return locked(() -> {
            Instant now = clock.instant();
            List<BatchRow> runnable = batches.values().stream().filter(b -> b.runnable(now))
                    .sorted(ClaimScoring.order(claim, now, (BatchRow b) -> b.createdBy, b -> b.expiresAt, b -> b.id))
                    .toList();
            List<String> models = new ArrayList<>(claim.capacity().keySet());
            // Shuffled so that, when the total limit bites, no model is starved cycle after cycle.
            Collections.shuffle(models, ThreadLocalRandom.current());
            List<BatchRequest> claimed = new ArrayList<>();
            for (String model : models) {
                int room = Math.min(claim.capacity().get(model), claim.limit() - claimed.size());
                for (Iterator<BatchRow> it = runnable.iterator(); it.hasNext() && room > 0; ) {
                    BatchRow batch = it.next();
                    TreeSet<RequestRow> pending = batch.pendingByModel.get(model);
                    if (pending == null) {
                        continue;
                    }
                    List<RequestRow> taken = new ArrayList<>();
                    for (RequestRow row : pending) {
                        if (taken.size() == room) {
                            break;
                        }
                        RequestState.Pending p = (RequestState.Pending) row.state;
                        if (p.notBefore() == null || !p.notBefore().isAfter(now)) {
                            taken.add(row);
                        }
                    }
                    for (RequestRow row : taken) {
                        move(batch, row, ((RequestState.Pending) row.state).claim(claim.daemonId(), now));
                        claimed.add(toRequest(row, batch));
                    }
                    room -= taken.size();
                }
            }
            return claimed;
        });
    }

    @Override
    public PersistResult persist(BatchRequest request, Optional<ClaimToken> writer) {
        return locked(() -> {
            RequestRow row = requests.get(request.id());
            if (row == null) {
                throw new BatchStorageException.NotFound(Entity.REQUEST, request.id());
            }
            RequestState next = request.state();
            PersistGuard.Verdict verdict = PersistGuard.verdict(row.state, next.kind(), writer);
            if (verdict == PersistGuard.Verdict.APPLY && twinCompleted(row, next)) {
                verdict = PersistGuard.Verdict.DROP;
            }
            if (verdict != PersistGuard.Verdict.APPLY) {
                return verdict.refusal(row.kind());
            }
            BatchRow batch = batches.get(row.batchId);
            Instant now = clock.instant();
            move(batch, row, next);
            Optional<RequestId> superseded = Optional.empty();
            if (next instanceof RequestState.Completed && row.twin != null) {
                RequestRow twin = requests.get(row.twin);
                if (twin != null && RacingPair.supersedes(twin.kind())) {
                    move(batch, twin, new RequestState.Superseded(now, row.id));
                    superseded = Optional.of(twin.id);
                }
            }
            settle(batch, now);
            return new PersistResult.Applied(superseded);
        });
    }

    private boolean twinCompleted(RequestRow row, RequestState next) {
        RequestRow twin = row.twin == null ? null : requests.get(row.twin);
        return twin != null && RacingPair.resultDropped(next.kind(), twin.kind());
    }

    @Override
    public boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next) {
        return locked(() -> {
            RequestRow row = requests.get(id);
            if (row == null || row.kind() != RequestStateKind.PROCESSING || !holder.holds(row.state)) {
                return false;
            }
            move(batches.get(row.batchId), row, next);
            return true;
        });
    }

    @Override
    public long reclaimStaleRequests(Duration staleDaemonThreshold, int limit) {
        return locked(() -> {
            Instant cutoff = clock.instant().minus(staleDaemonThreshold);
            List<RequestRow> stale = new ArrayList<>();
            for (RequestRow row : inFlight) {
                if (stale.size() == limit) {
                    break;
                }
                DaemonId owner = switch (row.state) {
                    case RequestState.Claimed c -> c.daemonId();
                    case RequestState.Processing p -> p.daemonId();
                    default -> throw new IllegalStateException("not in flight: " + row.id);
                };
                if (!alive(daemons.get(owner), cutoff)) {
                    stale.add(row);
                }
            }
            for (RequestRow row : stale) {
                int attempt = row.state instanceof RequestState.Claimed c ? c.retryAttempt() : ((RequestState.Processing) row.state).retryAttempt();
                move(batches.get(row.batchId), row, new RequestState.Pending(attempt, null));
            }
            return (long) stale.size();
        });
    }

    private static boolean alive(DaemonRecord daemon, Instant cutoff) {
        if (daemon == null) {
            return false;
        }
        return switch (daemon.state()) {
            case DaemonState.Running r -> !r.lastHeartbeat().isBefore(cutoff);
            case DaemonState.Initializing i -> !i.startedAt().isBefore(cutoff);
            case DaemonState.Dead d -> false;
        };
    }

    /** Every state change goes through here, so the in-flight set and the batch indexes stay exact. */
    private void move(BatchRow batch, RequestRow row, RequestState next) {
        inFlight.remove(row);
        batch.transition(row, next);
        if (next.kind().inFlight()) {
            inFlight.add(row);
        }
    }

    /**
     * Stamps the batch terminal when its work is done: cancelled once nothing is in flight (if
     * cancelling), else completed once every original is terminal and no escalated copy can still win.
     */
    private static boolean settle(BatchRow batch, Instant now) {
        switch (BatchLifecycle.settle(batch.settleFacts())) {
            case CANCELLED -> batch.cancelledAt = now;
            case COMPLETED -> {
                if (batch.finalizingAt == null) {
                    batch.finalizingAt = now;
                }
                batch.completedAt = now;
            }
            case STAY -> {
                return false;
            }
        }
        return true;
    }

    private BatchRequest toRequest(RequestRow row, BatchRow batch) {
        RequestTemplateInput t = row.template.input();
        String apiKey = row.apiKeyOverride != null ? row.apiKeyOverride : batch.apiKey != null ? batch.apiKey : t.apiKey();
        RequestData data = new RequestData(row.id, row.batchId, row.template.id(), row.template.lineNumber(), t.customId(),
                t.endpoint(), t.method(), t.path(), t.body(), row.model, apiKey, batch.createdBy, batch.expiresAt,
                row.escalatedFrom, batch.metadata);
        return new BatchRequest(data, row.state);
    }

    // ------------------------------------------------------------------ escalation

    @Override
    public Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states) {
        return locked(() -> {
            Instant now = clock.instant();
            return countOriginals(b -> b.active() && b.populated() && b.expiresAt.isAfter(now)
                    && !b.expiresAt.isAfter(now.plus(threshold)), states);
        });
    }

    @Override
    public Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states) {
        return locked(() -> {
            Instant now = clock.instant();
            return countOriginals(b -> b.active() && b.populated() && !b.expiresAt.isAfter(now), states);
        });
    }

    private Map<BatchId, Long> countOriginals(java.util.function.Predicate<BatchRow> which, Set<RequestStateKind> states) {
        Map<BatchId, Long> counts = new TreeMap<>();
        for (BatchRow b : batches.values()) {
            if (which.test(b)) {
                long n = states.stream().mapToLong(b::originals).sum();
                if (n > 0) {
                    counts.put(b.id, n);
                }
            }
        }
        return counts;
    }

    @Override
    public long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                        String apiKeyOverride) {
        return locked(() -> {
            Instant now = clock.instant();
            long created = 0;
            for (BatchRow batch : batches.values()) {
                if (!batch.runnable(now) || batch.expiresAt.isAfter(now.plus(threshold))) {
                    continue;
                }
                for (RequestRow original : List.copyOf(batch.originals)) {
                    if (!original.model.equals(model) || original.twin != null || !states.contains(original.kind())) {
                        continue;
                    }
                    RequestRow copy = new RequestRow(RequestId.generate(), batch.id, original.template,
                            modelOverride != null ? modelOverride : model, apiKeyOverride, original.id,
                            RequestState.Pending.fresh());
                    original.twin = copy.id;
                    copy.twin = original.id;
                    requests.put(copy.id, copy);
                    batch.add(copy);
                    created++;
                }
            }
            return created;
        });
    }

    @Override
    public Optional<RequestId> findPendingEscalation(RequestId originalRequestId) {
        return locked(() -> {
            RequestRow original = requests.get(originalRequestId);
            RequestRow copy = original == null || original.isCopy() || original.twin == null ? null : requests.get(original.twin);
            return copy != null && !copy.kind().terminal() ? Optional.of(copy.id) : Optional.empty();
        });
    }

    // ------------------------------------------------------------------ completion and maintenance

    @Override
    public void markBatchFailed(BatchId id, String message) {
        lockedRun(() -> {
            BatchRow batch = existingBatch(id);
            if (batch.failedAt == null) {
                batch.failedAt = clock.instant();
                batch.errorMessage = message;
            }
        });
    }

    @Override
    public List<BatchId> finalizeBatches(int limit) {
        return locked(() -> {
            Instant now = clock.instant();
            List<BatchId> finished = new ArrayList<>();
            List<BatchRow> candidates = batches.values().stream().filter(b -> !b.terminal())
                    .sorted(Comparator.comparing((BatchRow b) -> b.expiresAt).thenComparing(b -> b.id)).toList();
            for (BatchRow batch : candidates) {
                if (finished.size() == limit) {
                    break;
                }
                if (settle(batch, now) || expire(batch, now)) {
                    finished.add(batch.id);
                }
            }
            return finished;
        });
    }

    /** A running batch past its deadline: unfinished originals fail as expired, live copies are canceled. */
    private boolean expire(BatchRow batch, Instant now) {
        if (!BatchLifecycle.expires(batch.stamps(), batch.expiresAt, now)) {
            return false;
        }
        for (RequestRow row : List.copyOf(batch.originals)) {
            if (!row.kind().terminal()) {
                move(batch, row, new RequestState.Failed(new FailureReason.BatchExpired(), now, attempt(row.state), null));
            }
        }
        for (RequestRow copy : List.copyOf(batch.copies)) {
            if (!copy.kind().terminal()) {
                move(batch, copy, new RequestState.Canceled(now));
            }
        }
        batch.expiredAt = now;
        return true;
    }

    private static int attempt(RequestState state) {
        return switch (state) {
            case RequestState.Pending p -> p.retryAttempt();
            case RequestState.Claimed c -> c.retryAttempt();
            case RequestState.Processing p -> p.retryAttempt();
            default -> 0;
        };
    }

    @Override
    public List<BatchNotification> pollCompletedBatches(int limit) {
        return locked(() -> {
            List<BatchNotification> notifications = new ArrayList<>();
            List<BatchRow> done = batches.values().stream()
                    .filter(b -> !b.notified && b.deletedAt == null && b.cancelledAt == null
                            && (b.completedAt != null || b.failedAt != null || b.expiredAt != null))
                    .sorted(Comparator.comparing((BatchRow b) -> b.createdAt).thenComparing(b -> b.id))
                    .limit(limit).toList();
            for (BatchRow b : done) {
                b.notified = true;
                TreeSet<String> models = new TreeSet<>();
                b.originals.forEach(r -> models.add(r.template.input().model()));
                FileRow input = b.fileId == null ? null : files.get(b.fileId);
                notifications.add(new BatchNotification(b.toBatch(), List.copyOf(models),
                        input == null ? null : input.name, input == null ? null : input.description));
            }
            return notifications;
        });
    }

    // ------------------------------------------------------------------ daemons

    @Override
    public void persistDaemon(DaemonRecord record) {
        lockedRun(() -> daemons.put(record.id(), record));
    }

    @Override
    public DaemonRecord getDaemon(DaemonId id) {
        return locked(() -> {
            DaemonRecord record = daemons.get(id);
            if (record == null) {
                throw new BatchStorageException.NotFound(Entity.DAEMON, id);
            }
            return record;
        });
    }

    @Override
    public List<DaemonRecord> listDaemons(Optional<DaemonStatus> status) {
        return locked(() -> daemons.values().stream()
                .filter(d -> status.isEmpty() || d.state().status() == status.get())
                .sorted(Comparator.comparing((DaemonRecord d) -> d.state().startedAt()).thenComparing(DaemonRecord::id).reversed())
                .toList());
    }

    @Override
    public long purgeOrphanedRows(int batchSize) {
        return locked(() -> {
            long deleted = 0;
            for (BatchRow batch : batches.values()) {
                if (batch.deletedAt == null) {
                    continue;
                }
                for (List<RequestRow> rows : List.of(batch.originals, batch.copies)) {
                    for (RequestRow row : List.copyOf(rows)) {
                        if (deleted == batchSize) {
                            break;
                        }
                        inFlight.remove(row);
                        batch.remove(row);
                        requests.remove(row.id);
                        deleted++;
                    }
                }
            }
            long templates = 0;
            for (FileRow file : files.values()) {
                if (!file.deleted()) {
                    continue;
                }
                int n = (int) Math.min(file.templates.size(), batchSize - templates);
                file.templates.subList(0, n).clear();
                templates += n;
            }
            return deleted + templates;
        });
    }

    @Override
    public long purgeDeadDaemons(Duration retention) {
        return locked(() -> {
            Instant cutoff = clock.instant().minus(retention);
            List<DaemonId> expired = daemons.values().stream()
                    .filter(d -> d.state() instanceof DaemonState.Dead dead && dead.stoppedAt().isBefore(cutoff))
                    .map(DaemonRecord::id).toList();
            expired.forEach(daemons::remove);
            return (long) expired.size();
        });
    }

    // ------------------------------------------------------------------ helpers

    private static String lower(String text) {
        return SearchText.needle(text);
    }

    /** Case-insensitive ({@link SearchText}), literal substring match on a custom id; a null needle matches everything. */
    private static boolean matches(String customId, String needle) {
        return SearchText.contains(customId, needle);
    }

    private static <T> List<T> skip(List<T> items, long offset) {
        if (offset < 0) {
            throw new BatchStorageException.Validation("offset must not be negative");
        }
        return offset >= items.size() ? List.of() : items.subList((int) offset, items.size());
    }
}
