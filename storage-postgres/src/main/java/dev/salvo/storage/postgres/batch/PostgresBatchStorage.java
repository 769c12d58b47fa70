package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimToken;
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
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.core.daemon.DaemonStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jooq.DSLContext;

/**
 * {@link BatchStorage} and {@link DaemonStorage} on PostgreSQL (schema: V2__batches.sql). Safe for any
 * number of threads, pools and processes on one database: they coordinate only through row locks
 * (claims with FOR UPDATE SKIP LOCKED, every state write a compare-and-set under the request's row
 * lock, batch counters and completion under the batch row's lock).
 *
 * <p>{@code persist} calls made at the same time from many threads (a daemon's requests) are committed
 * together, a group per transaction, and each call still returns only once its own write is
 * committed, with its own result (see {@link PersistQueue}). A writer thread runs only while there
 * are writes to make.
 *
 * <p>Time comes from the {@code clock} given here and reaches every statement as a bind value, so one
 * process uses one notion of now (and tests can move it). Replicas are expected to run with
 * synchronised clocks; the database clock could serve instead, but a single injected clock keeps every
 * adapter's behaviour identical and testable.
 *
 * <p>This class only routes calls to the collaborators that implement them. It does not own its
 * connections: whoever opened the {@code PostgresDatabase} closes it.
 */
public final class PostgresBatchStorage implements BatchStorage, DaemonStorage {

    private final FileStreamWriter fileWriter;
    private final FileRepository files;
    private final ContentStreams streams;
    private final BatchRepository batches;
    private final BatchListing listing;
    private final ClaimQuery claims;
    private final RequestPersister requests;
    private final BatchFinalizer finalizer;
    private final Escalations escalations;
    private final Maintenance maintenance;
    private final DaemonRepository daemons;

    public PostgresBatchStorage(DSLContext dsl, Clock clock) {
        this(dsl, clock, UnaryOperator.identity());
    }

    /** {@code groupWriters} wraps the group-commit writer of {@code persist}, for tests that make groups fail. */
    PostgresBatchStorage(DSLContext dsl, Clock clock, UnaryOperator<PersistQueue.GroupWriter> groupWriters) {
        Sql sql = new Sql(Objects.requireNonNull(dsl, "dsl"), Objects.requireNonNull(clock, "clock"));
        this.finalizer = new BatchFinalizer(sql);
        this.fileWriter = new FileStreamWriter(sql);
        this.files = new FileRepository(sql, finalizer);
        this.streams = new ContentStreams(sql, files);
        this.batches = new BatchRepository(sql, finalizer);
        this.listing = new BatchListing(sql);
        this.claims = new ClaimQuery(sql);
        this.requests = new RequestPersister(sql, finalizer, groupWriters);
        this.escalations = new Escalations(sql);
        this.maintenance = new Maintenance(sql);
        this.daemons = new DaemonRepository(sql);
    }

    // ------------------------------------------------------------------ files

    @Override
    public FileStreamResult createFileStream(Iterator<FileStreamItem> items) {
        return fileWriter.write(Objects.requireNonNull(items, "items"));
    }

    @Override
    public BatchFile getFile(FileId id) {
        return files.getFile(id);
    }

    @Override
    public List<BatchFile> listFiles(FileFilter filter) {
        return files.listFiles(filter == null ? FileFilter.all() : filter);
    }

    @Override
    public Stream<FileContentItem> streamFileContent(FileId id, long offset, String search) {
        return streams.streamFileContent(id, offset, search);
    }

    @Override
    public List<ModelTemplateStats> getFileTemplateStats(FileId id) {
        return files.getFileTemplateStats(id);
    }

    @Override
    public void deleteFile(FileId id) {
        files.deleteFile(id);
    }

    // ------------------------------------------------------------------ batches

    @Override
    public Batch createBatchRecord(BatchInput input) {
        return batches.createBatchRecord(input);
    }

    @Override
    public void populateBatch(BatchId batchId, FileId fileId) {
        batches.populateBatch(batchId, fileId);
    }

    @Override
    public Batch getBatch(BatchId id) {
        return batches.getBatch(id);
    }

    @Override
    public BatchStatus getBatchStatus(BatchId id) {
        return batches.getBatchStatus(id);
    }

    @Override
    public List<BatchStatus> listFileBatches(FileId fileId) {
        return batches.listFileBatches(fileId);
    }

    @Override
    public List<Batch> listBatches(ListBatchesFilter filter) {
        return listing.list(filter == null ? ListBatchesFilter.all() : filter);
    }

    @Override
    public Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type) {
        return batches.getBatchByOutputFileId(fileId, type);
    }

    @Override
    public Stream<BatchRequest> streamBatchRequests(BatchId batchId) {
        return streams.streamBatchRequests(batchId);
    }

    @Override
    public Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status) {
        return streams.streamBatchResults(batchId, offset, search, status);
    }

    @Override
    public Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids) {
        return batches.getCancelledBatchIds(ids);
    }

    @Override
    public Batch cancelBatch(BatchId id) {
        return batches.cancelBatch(id);
    }

    @Override
    public void deleteBatch(BatchId id) {
        batches.deleteBatch(id);
    }

    @Override
    public List<RequestOutcome> retryFailedRequests(List<RequestId> ids) {
        return requests.retryFailedRequests(ids);
    }

    @Override
    public long retryFailedRequestsForBatch(BatchId batchId) {
        return requests.retryFailedRequestsForBatch(batchId);
    }

    /** One database serves every read here, so {@code strict} (read from the primary) changes nothing. */
    @Override
    public Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                               Set<String> models, boolean strict) {
        return escalations.pendingRequestCounts(windows, states, models == null ? Set.of() : models);
    }

    @Override
    public List<RequestOutcome> cancelRequests(List<RequestId> ids) {
        return requests.cancelRequests(ids);
    }

    @Override
    public List<RequestLookup> getRequests(List<RequestId> ids) {
        return requests.getRequests(ids);
    }

    @Override
    public List<BatchRequest> claimRequests(ClaimRequest claim) {
        return claims.claim(claim);
    }

    @Override
    public PersistResult persist(BatchRequest request, Optional<ClaimToken> writer) {
        return requests.persist(request, writer);
    }

    /** Writes waiting for a group commit of {@code persist}; for tests. */
    int queuedWrites() {
        return requests.queuedWrites();
    }

    @Override
    public boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next) {
        return requests.rescheduleForRetry(id, holder, next);
    }

    @Override
    public long reclaimStaleRequests(Duration staleDaemonThreshold, int limit) {
        return maintenance.reclaimStaleRequests(staleDaemonThreshold, limit);
    }

    // ------------------------------------------------------------------ SLA escalation

    @Override
    public Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states) {
        return escalations.getAtRiskBatches(threshold, states);
    }

    @Override
    public Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states) {
        return escalations.getMissedSlaBatches(states);
    }

    @Override
    public long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                        String apiKeyOverride) {
        return escalations.createEscalatedRequests(model, threshold, states, modelOverride, apiKeyOverride);
    }

    @Override
    public Optional<RequestId> findPendingEscalation(RequestId originalRequestId) {
        return escalations.findPendingEscalation(originalRequestId);
    }

    // ------------------------------------------------------------------ completion and maintenance

    @Override
    public void markBatchFailed(BatchId id, String message) {
        batches.markBatchFailed(id, message);
    }

    @Override
    public List<BatchId> finalizeBatches(int limit) {
        return finalizer.finalizeBatches(limit);
    }

    @Override
    public List<BatchNotification> pollCompletedBatches(int limit) {
        return finalizer.pollCompletedBatches(limit);
    }

    // ------------------------------------------------------------------ DaemonStorage

    @Override
    public void persistDaemon(DaemonRecord record) {
        daemons.persistDaemon(record);
    }

    @Override
    public DaemonRecord getDaemon(DaemonId id) {
        return daemons.getDaemon(id);
    }

    @Override
    public List<DaemonRecord> listDaemons(Optional<DaemonStatus> status) {
        return daemons.listDaemons(status == null ? Optional.empty() : status);
    }

    @Override
    public long purgeOrphanedRows(int batchSize) {
        return maintenance.purgeOrphanedRows(batchSize);
    }

    @Override
    public long purgeDeadDaemons(Duration retention) {
        return daemons.purgeDeadDaemons(retention);
    }
}
