package dev.salvo.storage.filesystem.batch;

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
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.CompletionWindow;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchStorage} and {@link DaemonStorage} on local disk, for one process owning a
 * {@link DataDirectory}. The layout is described in {@link BatchLayout}; the semantics are those of
 * docs/batch-storage.md.
 *
 * <p><b>Durability.</b> Every change is a list of {@link Effect}s appended as one checksummed line to the
 * batch's {@code requests.log} (response bodies are result records in the same log, referenced by offset), and
 * the call returns only once that line is forced to disk — except claims and starts, which are durable
 * within one group-commit interval (every result is durable when the call returns; see
 * {@link Tx#needsDurability}). Concurrent changes share forces through
 * {@link GroupCommit}. Files are written to a scratch directory and renamed into place; batch and
 * daemon records are replaced atomically. A crash therefore loses nothing acknowledged, and a torn last
 * log line is recognised and cut on the next open.
 *
 * <p><b>Memory.</b> Bodies are never held. Each populated batch keeps a {@link RequestTable} of ~85 bytes
 * per request; terminal batches are loaded only when one of their requests is read after a restart.
 * Files keep only their metadata.
 *
 * <p><b>Concurrency.</b> One lock guards memory; it is held for microseconds per operation (no disk
 * forces, no body reads), which is what lets thousands of claims and persists per second share it.
 */
public final class FilesystemBatchStorage implements BatchStorage, DaemonStorage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemBatchStorage.class);

    private final DataDirectory dataDirectory;
    private final boolean ownsDataDirectory;
    private final Clock clock;
    private final BatchLayout layout;
    private final GroupCommit commit;
    private final StoreState state;
    private final DaemonRegistry daemons;
    private final FileUpload upload;
    private final Claims claims;
    private volatile boolean closed;
    /** How long a finished batch's request table stays in memory unused; package-private for tests. */
    long idleUnloadNanos = Duration.ofMinutes(5).toNanos();

    /** A store over a data directory someone else owns and closes (the Guice wiring). */
    public FilesystemBatchStorage(DataDirectory dataDirectory, Clock clock) {
        this(dataDirectory, clock, false);
    }

    private FilesystemBatchStorage(DataDirectory dataDirectory, Clock clock, boolean ownsDataDirectory) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownsDataDirectory = ownsDataDirectory;
        this.layout = new BatchLayout(dataDirectory);
        this.commit = new GroupCommit("salvo-batch-commit " + dataDirectory.root());
        this.state = new StoreState(layout, commit);
        this.daemons = new DaemonRegistry(layout, clock);
        this.upload = new FileUpload(layout);
        this.claims = new Claims(state, daemons);
        try {
            StoreLoader loader = new StoreLoader(state, daemons);
            loader.load();
            List<FileId> deletedFiles = loader.deletedFiles();
            if (!deletedFiles.isEmpty()) {
                change(tx -> {
                    for (FileId file : deletedFiles) {
                        Lifecycle.detachInput(tx, state, file, now());
                    }
                    return null;
                });
            }
        } catch (IOException e) {
            closeFilesQuietly();
            throw new BatchStorageException.Backend("cannot open the batch store in " + layout.root() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeFilesQuietly();
            throw e;
        }
    }

    /** Opens (creating if needed) the data directory and a store over it; closing the store releases the directory. */
    public static FilesystemBatchStorage open(Path directory, Clock clock) {
        DataDirectory dataDirectory = DataDirectory.open(directory);
        try {
            return new FilesystemBatchStorage(dataDirectory, clock, true);
        } catch (RuntimeException e) {
            dataDirectory.close();
            throw e;
        }
    }

    // =================================================================== files

    @Override
    public FileStreamResult createFileStream(Iterator<FileStreamItem> items) {
        Objects.requireNonNull(items, "items");
        ensureOpen();
        FileEntry entry;
        try {
            entry = upload.run(items, now());
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot store the uploaded file: " + e.getMessage(), e);
        }
        if (entry == null) {
            return new FileStreamResult.Aborted();
        }
        state.lock.lock();
        try {
            state.files.put(entry.id, entry);
        } finally {
            state.lock.unlock();
        }
        return new FileStreamResult.Success(entry.id);
    }

    @Override
    public BatchFile getFile(FileId id) {
        return read(() -> {
            BatchFile file = Views.visibleFile(state, id, now());
            if (file == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
            }
            return file;
        });
    }

    @Override
    public List<BatchFile> listFiles(FileFilter filter) {
        return read(() -> Views.listFiles(state, filter == null ? FileFilter.all() : filter, now()));
    }

    @Override
    public Stream<FileContentItem> streamFileContent(FileId id, long offset, String search) {
        if (offset < 0) {
            throw new BatchStorageException.Validation("offset must not be negative");
        }
        Object source = read(() -> {
            FileEntry file = state.files.get(id);
            if (file != null && !file.deleted()) {
                return file;
            }
            StoreState.VirtualFile virtual = state.virtualFiles.get(id);
            if (virtual == null || Views.virtualView(virtual) == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
            }
            return Map.entry(virtual.type(), Views.resultList(state, virtual));
        });
        try {
            if (source instanceof FileEntry file) {
                return ContentStreams.templates(TemplateFile.open(layout.fileDirectory(file.id), file.templateCount), offset, search);
            }
            @SuppressWarnings("unchecked")
            Map.Entry<OutputFileType, ContentStreams.ResultList> results = (Map.Entry<OutputFileType, ContentStreams.ResultList>) source;
            return results.getKey() == OutputFileType.OUTPUT ? ContentStreams.outputs(results.getValue(), offset, search)
                    : ContentStreams.errors(results.getValue(), offset, search);
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot read file " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ModelTemplateStats> getFileTemplateStats(FileId id) {
        return read(() -> {
            FileEntry file = state.files.get(id);
            if (file != null && !file.deleted()) {
                return file.stats.stream().sorted(Comparator.comparing(ModelTemplateStats::model)).toList();
            }
            StoreState.VirtualFile virtual = state.virtualFiles.get(id);
            if (virtual != null && Views.virtualView(virtual) != null) {
                return List.of();
            }
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
        });
    }

    /**
     * An input file's record is rewritten first (the commit point); its batches are detached in the same
     * change. A crash between the two is repaired on the next open, which detaches again.
     */
    @Override
    public void deleteFile(FileId id) {
        change(tx -> {
            long now = now();
            FileEntry file = state.files.get(id);
            if (file != null && !file.deleted()) {
                file.deletedAt = now;
                try {
                    AtomicFiles.writeDurably(layout.fileDirectory(id).resolve(BatchLayout.META), file.encode());
                } catch (IOException e) {
                    file.deletedAt = Nanos.NONE;
                    throw e;
                }
                Lifecycle.detachInput(tx, state, id, now);
                return null;
            }
            StoreState.VirtualFile virtual = state.virtualFiles.get(id);
            if (virtual == null || Views.virtualView(virtual) == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
            }
            tx.apply(virtual.batch(), new Effect.Unlink(virtual.type() == OutputFileType.OUTPUT ? Effect.Link.OUTPUT : Effect.Link.ERROR));
            return null;
        });
    }

    // =================================================================== batches

    @Override
    public Batch createBatchRecord(BatchInput input) {
        Objects.requireNonNull(input, "input");
        CompletionWindow window = CompletionWindow.parse(input.completionWindow());
        return change(tx -> BatchCreation.createRecord(state, input, window, now()));
    }

    @Override
    public void populateBatch(BatchId batchId, FileId fileId) {
        change(tx -> {
            BatchCreation.populate(tx, state, batchId, fileId, now());
            return null;
        });
    }

    @Override
    public Batch getBatch(BatchId id) {
        // Without the lock when the batch's view is published: a poll never waits behind the daemon's
        // changes, whose lock holder may itself be waiting for a core (docs/PERFORMANCE.md, issue 5).
        BatchEntry entry = closed ? null : state.batches.get(id);
        Batch published = entry == null ? null : entry.published;
        if (published != null && published.deletedAt() == null && commit.healthy()) {
            return published;
        }
        return read(() -> {
            BatchEntry visible = state.visibleBatch(id);
            Batch view = visible.view();
            visible.published = view;
            return view;
        });
    }

    @Override
    public BatchStatus getBatchStatus(BatchId id) {
        return read(() -> {
            BatchEntry batch = state.visibleBatch(id);
            return BatchStatus.of(batch.view(), Views.inputFileName(state, batch));
        });
    }

    @Override
    public List<BatchStatus> listFileBatches(FileId fileId) {
        return read(() -> state.batches.values().stream()
                .filter(b -> !b.deleted() && fileId.equals(b.fileId()))
                .sorted(Views.newestFirst())
                .map(b -> BatchStatus.of(b.view(), Views.inputFileName(state, b)))
                .toList());
    }

    @Override
    public List<Batch> listBatches(ListBatchesFilter filter) {
        return read(() -> Views.listBatches(state, filter == null ? ListBatchesFilter.all() : filter));
    }

    @Override
    public Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type) {
        return read(() -> {
            StoreState.VirtualFile virtual = state.virtualFiles.get(fileId);
            if (virtual == null || virtual.type() != type || Views.virtualView(virtual) == null) {
                return Optional.<Batch>empty();
            }
            return Optional.of(virtual.batch().view());
        });
    }

    @Override
    public Stream<BatchRequest> streamBatchRequests(BatchId batchId) {
        Loaded loaded = loadedBatch(batchId);
        if (loaded.table() == null) {
            return Stream.empty();
        }
        try {
            return ContentStreams.batchRequests(state, loaded.batch(), loaded.table());
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot read batch " + batchId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status) {
        if (offset < 0) {
            throw new BatchStorageException.Validation("offset must not be negative");
        }
        Loaded loaded = loadedBatch(batchId);
        if (loaded.table() == null) {
            return Stream.empty();
        }
        try {
            return ContentStreams.batchResults(state, loaded.batch(), loaded.table(), offset, search, status);
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot read batch " + batchId + ": " + e.getMessage(), e);
        }
    }

    /** A visible batch and its requests' table (null before population), taken together under the lock. */
    private record Loaded(BatchEntry batch, RequestTable table) {
    }

    private Loaded loadedBatch(BatchId batchId) {
        return read(() -> {
            BatchEntry entry = state.visibleBatch(batchId);
            state.ensureTable(entry);
            return new Loaded(entry, entry.table);
        });
    }

    @Override
    public Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids) {
        return read(() -> {
            Set<BatchId> cancelled = new LinkedHashSet<>();
            for (BatchId id : ids) {
                BatchEntry batch = state.batches.get(id);
                if (batch != null && (batch.cancelling() || batch.cancelledAt != Nanos.NONE || batch.deleted())) {
                    cancelled.add(id);
                }
            }
            return cancelled;
        });
    }

    @Override
    public Batch cancelBatch(BatchId id) {
        return change(tx -> {
            BatchEntry batch = state.visibleBatch(id);
            switch (BatchLifecycle.cancel(batch.stamps())) {
                case REFUSE -> throw new BatchStorageException.InvalidState("batch " + id + " is already "
                        + batch.view().status().wire());
                case CANCEL -> Lifecycle.cancel(tx, batch, now());
                case ALREADY_CANCELLING -> { }
            }
            return batch.view();
        });
    }

    @Override
    public void deleteBatch(BatchId id) {
        change(tx -> {
            Lifecycle.delete(tx, state.visibleBatch(id), now());
            return null;
        });
    }

    @Override
    public List<RequestOutcome> retryFailedRequests(List<RequestId> ids) {
        return change(tx -> Lifecycle.retryRequests(tx, state, ids));
    }

    @Override
    public long retryFailedRequestsForBatch(BatchId batchId) {
        return change(tx -> Lifecycle.retryBatch(tx, state, batchId));
    }

    @Override
    public Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                               Set<String> models, boolean strict) {
        if (windows == null || windows.isEmpty() || states == null || states.isEmpty()) {
            return Map.of();
        }
        // One process, one copy of the data: every read is "strict".
        return read(() -> claims.pendingCounts(windows, states, models, now()));
    }

    @Override
    public List<RequestOutcome> cancelRequests(List<RequestId> ids) {
        return change(tx -> Lifecycle.cancelRequests(tx, state, ids, now()));
    }

    @Override
    public List<RequestLookup> getRequests(List<RequestId> ids) {
        List<Object> slots = read(() -> {
            List<Object> result = new ArrayList<>(ids.size());
            for (RequestId id : ids) {
                StoreState.Located located = state.locate(id);
                result.add(located == null ? id : RequestViews.slot(state, located.batch(), located.ordinal()));
            }
            return result;
        });
        List<RequestLookup> lookups = new ArrayList<>(slots.size());
        for (Object entry : slots) {
            if (entry instanceof RequestId missing) {
                lookups.add(new RequestLookup.Missing(missing));
            } else {
                lookups.add(new RequestLookup.Found(build((RequestViews.Slot) entry)));
            }
        }
        return lookups;
    }

    /** The full request for a slot: reads its template line (and result record) outside the lock. */
    private BatchRequest build(RequestViews.Slot slot) {
        try {
            RequestTemplateInput template = slot.templates().read(slot.line());
            return RequestViews.request(state, slot, template);
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot read request " + slot.id() + ": " + e.getMessage(), e);
        }
    }

    // =================================================================== claims and state writes

    @Override
    public List<BatchRequest> claimRequests(ClaimRequest claim) {
        Objects.requireNonNull(claim, "claim");
        if (claim.limit() == 0) {
            return List.of();
        }
        List<RequestViews.Slot> claimed = change(tx -> claims.claim(tx, claim, now()));
        List<BatchRequest> requests = new ArrayList<>(claimed.size());
        for (RequestViews.Slot slot : claimed) {
            requests.add(build(slot));
        }
        if (!requests.isEmpty()) {
            // Remember the custom ids just read, so completing these requests needs no second template read.
            state.lock.lock();
            try {
                for (int i = 0; i < claimed.size(); i++) {
                    RequestViews.Slot slot = claimed.get(i);
                    if (slot.batch().table != null && !closed) {
                        slot.batch().table.rememberCustomId(slot.ordinal(), requests.get(i).data().customId());
                    }
                }
            } finally {
                state.lock.unlock();
            }
        }
        return requests;
    }

    @Override
    public PersistResult persist(BatchRequest request, Optional<ClaimToken> writer) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(writer, "writer");
        Object outcome = change(tx -> Persists.attempt(tx, state, request, writer, false, null, now()));
        if (outcome instanceof PersistResult result) {
            return result;
        }
        // The result record carries the custom id; read it from the template without holding the lock.
        StoreState.Located located = (StoreState.Located) outcome;
        String customId;
        try {
            customId = located.table().templates.readCustomId(located.table().line(located.ordinal()));
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot read the template of request " + request.id() + ": "
                    + e.getMessage(), e);
        }
        return (PersistResult) change(tx -> Persists.attempt(tx, state, request, writer, true, customId, now()));
    }

    @Override
    public boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(next, "next");
        return change(tx -> Persists.reschedule(tx, state, id, holder, next, now()));
    }

    @Override
    public long reclaimStaleRequests(Duration staleDaemonThreshold, int limit) {
        if (limit <= 0) {
            return 0;
        }
        return change(tx -> claims.reclaimStale(tx, staleDaemonThreshold, limit, now()));
    }

    // =================================================================== SLA escalation

    @Override
    public Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states) {
        return read(() -> {
            long now = now();
            return claims.originalsByDeadline(now, now + threshold.toNanos(), states);
        });
    }

    @Override
    public Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states) {
        return read(() -> claims.originalsByDeadline(Long.MIN_VALUE, now(), states));
    }

    @Override
    public long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                        String apiKeyOverride) {
        Objects.requireNonNull(model, "model");
        return change(tx -> claims.escalate(tx, model, threshold, states, modelOverride, apiKeyOverride, now()));
    }

    @Override
    public Optional<RequestId> findPendingEscalation(RequestId originalRequestId) {
        return read(() -> claims.findPendingEscalation(originalRequestId));
    }

    // =================================================================== completion and maintenance

    @Override
    public void markBatchFailed(BatchId id, String message) {
        change(tx -> {
            BatchEntry batch = state.batches.get(id);
            if (batch == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
            }
            if (batch.failedAt == Nanos.NONE) {
                tx.apply(batch, new Effect.MarkFailed(now(), message));
            }
            return null;
        });
    }

    @Override
    public List<BatchId> finalizeBatches(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return change(tx -> {
            List<BatchId> finished = Lifecycle.finalizeBatches(tx, state, now(), limit);
            // The sweep runs about once a second: a fitting moment to let go of finished batches' tables.
            state.unloadIdle(idleUnloadNanos);
            return finished;
        });
    }

    @Override
    public List<BatchNotification> pollCompletedBatches(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return change(tx -> Lifecycle.pollCompleted(tx, state, now(), limit));
    }

    // =================================================================== DaemonStorage

    @Override
    public void persistDaemon(DaemonRecord record) {
        Objects.requireNonNull(record, "record");
        ensureOpen();
        daemons.persist(record);
    }

    @Override
    public DaemonRecord getDaemon(DaemonId id) {
        ensureOpen();
        return daemons.get(id);
    }

    @Override
    public List<DaemonRecord> listDaemons(Optional<DaemonStatus> status) {
        ensureOpen();
        return daemons.list(status == null ? Optional.empty() : status);
    }

    @Override
    public long purgeDeadDaemons(Duration retention) {
        ensureOpen();
        return daemons.purgeDead(retention);
    }

    @Override
    public long purgeOrphanedRows(int batchSize) {
        if (batchSize <= 0) {
            return 0;
        }
        state.lock.lock();
        try {
            ensureOpen();
            return new Purger(state, layout).purge(batchSize);
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot purge deleted rows: " + e.getMessage(), e);
        } finally {
            state.lock.unlock();
        }
    }

    // =================================================================== lifecycle

    /**
     * Waits for operations in progress, makes everything durable, writes the batch snapshots that are out of
     * date (so the next open skips replaying finished batches) and releases the files; also the data
     * directory if this store opened it. Idempotent.
     */
    @Override
    public void close() {
        state.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                commit.flushAll();
                for (BatchEntry batch : state.batches.values()) {
                    if (batch.headerDirty) {
                        writeHeader(batch);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Closing the batch store after a failure: {}", e.toString());
            }
            closeFilesQuietly();
        } finally {
            state.lock.unlock();
            if (ownsDataDirectory) {
                dataDirectory.close();
            }
        }
    }

    private void closeFilesQuietly() {
        commit.close();
        for (BatchEntry batch : state.batches.values()) {
            Purger.closeQuietly(batch);
        }
    }

    @Override
    public String toString() {
        return "FilesystemBatchStorage[" + dataDirectory.root() + (closed ? ", closed" : "") + "]";
    }

    /** Requests held in memory by loaded batch tables, and their approximate footprint; for tests and operators. */
    public MemoryUse memoryUse() {
        return read(() -> {
            long requests = 0;
            long bytes = 0;
            for (BatchEntry batch : state.batches.values()) {
                if (batch.table != null) {
                    requests += batch.table.size();
                    bytes += batch.table.footprintBytes();
                }
            }
            return new MemoryUse(state.files.size(), state.batches.size(), requests, bytes);
        });
    }

    /** What {@link #memoryUse()} reports. */
    public record MemoryUse(int files, int batches, long loadedRequests, long tableBytes) {
    }

    // =================================================================== plumbing

    @FunctionalInterface
    private interface Body<T> {
        T run(Tx tx) throws IOException;
    }

    /**
     * Runs a change: under the lock it validates, applies effects to memory and reserves their records;
     * then, without the lock, waits until they are durable and refreshes the batch snapshots it dated.
     */
    private <T> T change(Body<T> body) {
        Tx tx = new Tx(state);
        T result;
        long sequence;
        state.lock.lock();
        try {
            ensureOpen();
            result = body.run(tx);
            sequence = tx.submit();
            tx.publishViews();
        } catch (IOException e) {
            failIfApplied(tx, e);
            throw new BatchStorageException.Backend("batch store I/O failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            failIfApplied(tx, e);
            throw e;
        } finally {
            state.lock.unlock();
        }
        if (sequence > 0 && tx.needsDurability()) {
            commit.awaitDurable(sequence); // claims and starts alone do not wait: see Tx#needsDurability
        }
        for (BatchEntry batch : tx.dirty()) {
            rewriteHeader(batch);
        }
        return result;
    }

    /** A change that failed after changing memory left it ahead of the log: only a reopen can reconcile. */
    private void failIfApplied(Tx tx, Throwable cause) {
        if (tx.hasApplied()) {
            tx.withdrawViews();
            commit.fail(cause);
        }
    }

    private <T> T read(java.util.function.Supplier<T> body) {
        state.lock.lock();
        try {
            ensureOpen();
            return body.get();
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Replaces batch.json with a fresh snapshot. Serialised per batch, and the snapshot is taken inside
     * that serialisation, so a later snapshot is never overwritten by an earlier one. A failure is logged
     * and retried later: the snapshot is only a cache of the log.
     */
    private void rewriteHeader(BatchEntry batch) {
        batch.headerLock.lock();
        try {
            byte[] content;
            state.lock.lock();
            try {
                if (!batch.headerDirty || closed || state.batches.get(batch.id) != batch) {
                    return;
                }
                batch.headerDirty = false;
                content = batch.encodeHeader();
            } finally {
                state.lock.unlock();
            }
            try {
                AtomicFiles.writeDurably(batch.directory.resolve(BatchLayout.HEADER), content);
            } catch (IOException e) {
                LOG.warn("Could not refresh {} (the log still holds everything): {}", batch.directory, e.toString());
                state.lock.lock();
                try {
                    batch.headerDirty = true;
                } finally {
                    state.lock.unlock();
                }
            }
        } finally {
            batch.headerLock.unlock();
        }
    }

    /** Called with the lock held, at close. */
    private void writeHeader(BatchEntry batch) {
        try {
            AtomicFiles.writeDurably(batch.directory.resolve(BatchLayout.HEADER), batch.encodeHeader());
            batch.headerDirty = false;
        } catch (IOException e) {
            LOG.warn("Could not refresh {} at close (the next open replays its log): {}", batch.directory, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed || !dataDirectory.isOpen()) {
            throw new BatchStorageException.Backend("the batch store over " + dataDirectory.root() + " is closed", null);
        }
        commit.checkHealthy();
    }

    private long now() {
        return Nanos.of(clock.instant());
    }
}
