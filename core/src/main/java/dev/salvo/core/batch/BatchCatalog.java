package dev.salvo.core.batch;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The API's side of the batch port: files of request templates, batches, their results, and the per-id
 * operations a user asks for (cancel or retry requests). What the Files and Batches routes call.
 * {@link BatchStorage} has the whole port; see docs/batch-storage.md for the semantics every adapter
 * shares.
 *
 * <p>Reads never change anything. Every method throws only {@link BatchStorageException} kinds.
 * Streams hold resources until closed: use try-with-resources.
 */
public interface BatchCatalog {

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
     * as they arrive. A stream that names no purpose stores purpose {@code batch}; no file name, {@code
     * upload-<id>}.
     *
     * @throws BatchStorageException.Validation for an {@code expiresAfterSeconds} of 0 or less (nothing is stored)
     */
    FileStreamResult createFileStream(Iterator<FileStreamItem> items);

    /** @throws BatchStorageException.NotFound if the file does not exist or was deleted */
    BatchFile getFile(FileId id);

    /** Like {@link #getFile} but guaranteed to see writes this process just made (read-after-write). */
    default BatchFile getFileFromPrimary(FileId id) {
        return getFile(id);
    }

    /** @throws BatchStorageException.NotFound if {@code filter.after()} names no file (a deleted one still serves as a cursor) */
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
     * {@link BatchMaintenance#purgeOrphanedRows}.
     */
    void deleteFile(FileId id);

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
     * @throws BatchStorageException.Validation for a bad completion window, or an input file whose purpose
     *         is not {@code batch} (another purpose, or a batch's output or error file)
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

    /** @throws BatchStorageException.NotFound if {@code filter.after()} names no batch (a deleted one still serves as a cursor) */
    List<Batch> listBatches(ListBatchesFilter filter);

    Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type);

    /** Every request of a batch (escalated copies included), in line order. */
    Stream<BatchRequest> streamBatchRequests(BatchId batchId);

    /**
     * The merged input/result view: one item per template in line order, whichever of an escalated pair
     * produced the result. {@code search} as in {@link #streamFileContent}; {@code status} null = all.
     */
    Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status);

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

    /** Cancels each listed request that is not yet terminal. */
    List<RequestOutcome> cancelRequests(List<RequestId> ids);

    /** The listed requests, in the given order. */
    List<RequestLookup> getRequests(List<RequestId> ids);

    /** Marks a batch failed with a batch-level message; idempotent (the first message stays). */
    void markBatchFailed(BatchId id, String message);

    /** Convenience: the requests of {@link #getRequests} that were found, in the given order; missing ids are left out. */
    default List<BatchRequest> foundRequests(List<RequestId> ids) {
        return getRequests(ids).stream()
                .filter(RequestLookup.Found.class::isInstance)
                .map(l -> ((RequestLookup.Found) l).request())
                .toList();
    }
}
