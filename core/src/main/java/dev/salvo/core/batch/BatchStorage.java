package dev.salvo.core.batch;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Port: files of request templates, batches, their requests and the request state machine — what the
 * batch daemon and the Files/Batches API stand on. The union of both fusillade versions' operations
 * (seeds 000 and 002) with the fixes fusillade learned in production adopted from the start; see
 * docs/batch-storage.md for the semantics every adapter shares.
 *
 * <p>Reads never change anything. Every method throws only {@link BatchStorageException} kinds.
 * Streams hold resources until closed: use try-with-resources. Implementations are thread-safe and, where
 * they declare it, safe for several processes.
 */
public interface BatchStorage {

    // ------------------------------------------------------------------ files

    /** Stores a file of templates in one step; equivalent to a stream of one metadata item and the templates. */
    default FileId createFile(String name, String description, List<RequestTemplateInput> templates) {
        Stream<FileStreamItem> items = Stream.concat(
                Stream.of(new FileStreamItem.Metadata(new FileMetadata(name, description, "batch", null, null, null, null, null))),
                templates.stream().map(FileStreamItem.Template::new));
        FileStreamResult result = createFileStream(items.iterator());
        if (result instanceof FileStreamResult.Success success) {
            return success.fileId();
        }
        throw new IllegalStateException("a stream without an abort item cannot be aborted");
    }

    /**
     * Stores a file from a stream of items, all or nothing. Metadata items merge (last writer wins per
     * field); templates are appended with line numbers from 0; an {@link FileStreamItem.Abort} rolls back
     * and answers {@link FileStreamResult.Aborted}. If the iterator itself throws, nothing is stored and
     * the exception propagates unchanged. Memory use does not grow with the file: templates are written
     * as they arrive.
     */
    FileStreamResult createFileStream(Iterator<FileStreamItem> items);

    /** @throws BatchStorageException.NotFound if the file does not exist or was deleted */
    BatchFile getFile(FileId id);

    /** Like {@link #getFile} but guaranteed to see writes this process just made (read-after-write). */
    default BatchFile getFileFromPrimary(FileId id) {
        return getFile(id);
    }

    List<BatchFile> listFiles(FileFilter filter);

    /** Every content item of a file; only for small files — use {@link #streamFileContent} otherwise. */
    default List<FileContentItem> getFileContent(FileId id) {
        try (Stream<FileContentItem> items = streamFileContent(id, 0, null)) {
            return items.toList();
        }
    }

    /**
     * A file's content, by purpose: templates in line order for input files; completed results in
     * completion order for output files; failed results in failure order for error files (new results
     * only ever append, so a reader can resume by offset). {@code search} keeps items whose custom_id
     * contains it, case-insensitively and literally ({@code %}, {@code _} and quotes are plain characters).
     */
    Stream<FileContentItem> streamFileContent(FileId id, long offset, String search);

    /** Per model: template count and body bytes, without reading bodies. Sorted by model. */
    List<ModelTemplateStats> getFileTemplateStats(FileId id);

    /**
     * Soft-deletes a file: batches reading it are cancelled if still running and lose their link to it;
     * a batch whose output or error file this is loses that link. Templates are removed later by
     * {@link dev.salvo.core.daemon.DaemonStorage#purgeOrphanedRows}.
     */
    void deleteFile(FileId id);

    // ------------------------------------------------------------------ batches

    /** {@link #createBatchRecord} then {@link #populateBatch}; if population fails the batch is marked failed and the error rethrown. */
    default Batch createBatch(BatchInput input) {
        Batch record = createBatchRecord(input);
        try {
            populateBatch(record.id(), input.fileId());
        } catch (BatchStorageException e) {
            markBatchFailed(record.id(), e.getMessage());
            throw e;
        }
        return getBatch(record.id());
    }

    /**
     * Creates the batch (status validating) and its virtual output and error files in one step. The
     * deadline is now + completion window.
     *
     * @throws BatchStorageException.Validation for a bad completion window
     * @throws BatchStorageException.NotFound if the input file does not exist
     */
    Batch createBatchRecord(BatchInput input);

    /**
     * Creates one pending request per template of the file. Idempotent: a second call for the same batch
     * changes nothing.
     *
     * @throws BatchStorageException.Validation if the file has no templates
     * @throws BatchStorageException.InvalidState if the batch is deleted, cancelled or failed, or the file deleted
     */
    void populateBatch(BatchId batchId, FileId fileId);

    /** @throws BatchStorageException.NotFound if missing or deleted */
    Batch getBatch(BatchId id);

    BatchStatus getBatchStatus(BatchId id);

    /** The batches created from a file, newest first. */
    List<BatchStatus> listFileBatches(FileId fileId);

    List<Batch> listBatches(ListBatchesFilter filter);

    Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type);

    /** Every request of a batch (escalated copies included), in line order. */
    Stream<BatchRequest> streamBatchRequests(BatchId batchId);

    /**
     * The merged input/result view: one item per template in line order, whichever of an escalated pair
     * produced the result. {@code search} as in {@link #streamFileContent}; {@code status} null = all.
     */
    Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status);

    /** Those of the given batches that are being (or were) cancelled or deleted: their calls must stop. */
    Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids);

    /**
     * Requests cancellation: claims stop at once, unfinished requests count as canceled, and the batch is
     * cancelled when nothing is in flight any more. Cancelling a cancelling or cancelled batch is a no-op.
     *
     * @return the batch after the change
     * @throws BatchStorageException.InvalidState if the batch already completed, failed or expired
     */
    Batch cancelBatch(BatchId id);

    /** Soft-deletes a batch (cancelling it first if it is running); its rows are purged later. */
    void deleteBatch(BatchId id);

    /** Moves each listed failed request back to pending with its attempt count reset. */
    List<RequestOutcome> retryFailedRequests(List<RequestId> ids);

    /**
     * Moves every failed request of a batch back to pending in one step and reopens the batch for
     * finalization. @return how many requests were retried
     * @throws BatchStorageException.InvalidState if the batch is cancelled, expired or failed
     * @throws BatchStorageException.NotFound if it does not exist or was deleted
     */
    long retryFailedRequestsForBatch(BatchId batchId);

    /**
     * Demand per model and deadline bucket: requests in {@code states} of running batches whose deadline
     * is within each window from now. {@code models} empty = all. {@code strict} asks for a read from the
     * primary where an adapter has replicas.
     */
    Map<String, Map<String, Long>> pendingRequestCounts(List<PendingCountWindow> windows, Set<RequestStateKind> states,
                                                        Set<String> models, boolean strict);

    /** Cancels each listed request that is not yet terminal. */
    List<RequestOutcome> cancelRequests(List<RequestId> ids);

    /** The listed requests, in the given order. */
    List<RequestLookup> getRequests(List<RequestId> ids);

    /**
     * Claims pending requests for a daemon in one atomic step: only of running batches, only when
     * {@code notBefore} has passed, per model no more than its capacity, no more than the limit in total,
     * batches served in {@link ClaimScoring} order. No request is ever claimed by two daemons.
     */
    List<BatchRequest> claimRequests(ClaimRequest claim);

    /**
     * Writes a request's new state, subject to {@link PersistGuard#verdict}. A claim holder presents its
     * {@link ClaimToken} as {@code writer}: while the request is live the write applies only if it is
     * still held under that claim, and is {@link PersistResult.Fenced} otherwise (it changes nothing).
     * When a request of a racing escalated pair completes, its twin becomes superseded and is named in the
     * result; a result arriving after the twin completed is dropped ({@link RacingPair}). When the last
     * request of a batch becomes terminal the batch is finalized in the same step.
     *
     * @param writer the claim the writer holds; empty for a write by no claim holder
     * @throws BatchStorageException.NotFound if the request does not exist
     */
    PersistResult persist(BatchRequest request, Optional<ClaimToken> writer);

    /**
     * The seed's unfenced write: {@link #persist(BatchRequest, Optional)} by no claim holder — for tools
     * and tests that hold no claim. A daemon writing about a request it claimed uses the fenced form.
     */
    default PersistResult persist(BatchRequest request) {
        return persist(request, Optional.empty());
    }

    /**
     * Schedules a retry — only if the request is still processing under {@code holder}'s claim (fenced:
     * a worker whose claim was taken over cannot move the request).
     *
     * @return whether the request was rescheduled
     */
    boolean rescheduleForRetry(RequestId id, ClaimToken holder, RequestState.Pending next);

    /**
     * Returns claimed or processing requests of daemons that are dead, unknown, or silent for longer than
     * {@code staleDaemonThreshold} to pending, keeping their attempt count. A live daemon's requests are
     * never taken, however long they run. @return how many were returned
     */
    long reclaimStaleRequests(Duration staleDaemonThreshold, int limit);

    // ------------------------------------------------------------------ SLA escalation (racing pairs)

    /** Running batches whose deadline is within {@code threshold} and not yet passed, with how many requests in {@code states} each has. */
    Map<BatchId, Long> getAtRiskBatches(Duration threshold, Set<RequestStateKind> states);

    /** Running batches whose deadline has passed, with how many requests in {@code states} each has. */
    Map<BatchId, Long> getMissedSlaBatches(Set<RequestStateKind> states);

    /**
     * For each request of {@code model} in {@code states} whose running batch is at risk (deadline within
     * {@code threshold}) and that has no escalated copy yet, creates a pending copy racing it — routed to
     * {@code modelOverride} (or the same model) and using {@code apiKeyOverride} (or the same key). Copies
     * are invisible to batch counts. @return how many copies were created
     */
    long createEscalatedRequests(String model, Duration threshold, Set<RequestStateKind> states, String modelOverride,
                                 String apiKeyOverride);

    /** The escalated copy racing {@code originalRequestId}, if it exists and is not terminal. */
    Optional<RequestId> findPendingEscalation(RequestId originalRequestId);

    // ------------------------------------------------------------------ completion and maintenance

    /** Marks a batch failed with a batch-level message; idempotent (the first message stays). */
    void markBatchFailed(BatchId id, String message);

    /**
     * The finalizer sweep: completes batches whose requests are all terminal, marks cancelling batches
     * cancelled once nothing is in flight, and expires batches past their deadline (unfinished requests
     * fail with {@link FailureReason.BatchExpired}). Idempotent; safe on several replicas at once.
     *
     * @return the batches this call made terminal
     */
    List<BatchId> finalizeBatches(int limit);

    /** Batches that became completed, failed or expired and were not yet notified — each returned once across all callers. */
    List<BatchNotification> pollCompletedBatches(int limit);

    /** Convenience: the requests of {@link #getRequests} that were found, in the given order; missing ids are left out. */
    default List<BatchRequest> foundRequests(List<RequestId> ids) {
        return getRequests(ids).stream()
                .filter(RequestLookup.Found.class::isInstance)
                .map(l -> ((RequestLookup.Found) l).request())
                .collect(Collectors.toList());
    }
}
