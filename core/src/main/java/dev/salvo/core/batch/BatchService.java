package dev.salvo.core.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The batch use cases the API offers, over {@link BatchCatalog}: who may see what, which input files a
 * batch may be created from, and what cancel and retry answer. Routes map JSON to these calls and the
 * sealed outcomes back to HTTP; they decide nothing themselves.
 */
public final class BatchService {

    private final BatchCatalog storage;

    public BatchService(BatchCatalog storage) {
        this.storage = storage;
    }

    /** What a batch is created from, as the caller asked for it. */
    public record Submission(FileId inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {
    }

    /** The answer to {@link #submit}. */
    public sealed interface Submitted {
        record Created(Batch batch) implements Submitted {
        }

        /** No such file, deleted, or another tenant's. */
        record FileNotFound() implements Submitted {
        }

        /** The input file was not uploaded with purpose {@code batch}. */
        record NotABatchFile(String purpose) implements Submitted {
        }

        /** Every line of a file shares one url (checked at upload); the batch's endpoint must be it. */
        record EndpointMismatch(String fileUrl, String endpoint) implements Submitted {
        }
    }

    /**
     * Creates a batch from the caller's input file: the file must be visible to the caller and uploaded
     * for batches, and its requests' url must be the batch's endpoint. The batch expects as many
     * requests as the file has templates.
     */
    public Submitted submit(Caller caller, Submission submission) {
        BatchFile file;
        try {
            file = storage.getFileFromPrimary(submission.inputFileId());
        } catch (BatchStorageException.NotFound e) {
            return new Submitted.FileNotFound();
        }
        if (!caller.sees(file.uploadedBy())) {
            return new Submitted.FileNotFound();
        }
        if (file.purpose() != Purpose.BATCH) {
            return new Submitted.NotABatchFile(file.rawPurpose());
        }
        Optional<String> url = firstUrl(file.id());
        if (url.isPresent() && !url.get().equals(submission.endpoint())) {
            return new Submitted.EndpointMismatch(url.get(), submission.endpoint());
        }
        long requests = storage.getFileTemplateStats(file.id()).stream().mapToLong(ModelTemplateStats::requestCount).sum();
        BatchInput input = new BatchInput(file.id(), submission.endpoint(), submission.completionWindow(),
                submission.metadata(), caller.id(), null, null, requests);
        return new Submitted.Created(storage.createBatch(input));
    }

    private Optional<String> firstUrl(FileId fileId) {
        try (Stream<FileContentItem> items = storage.streamFileContent(fileId, 0, null)) {
            return items.findFirst()
                    .filter(FileContentItem.TemplateLine.class::isInstance)
                    .map(line -> ((FileContentItem.TemplateLine) line).template().path());
        }
    }

    /** The caller's batch; empty if it does not exist, was deleted, or is another tenant's. */
    public Optional<Batch> find(Caller caller, BatchId id) {
        try {
            Batch batch = storage.getBatch(id);
            return caller.sees(batch.createdBy()) ? Optional.of(batch) : Optional.empty();
        } catch (BatchStorageException.NotFound e) {
            return Optional.empty();
        }
    }

    /** The batches created from a file, newest first, that the caller can see (an admin's batch from a tenant's file is the admin's). */
    public List<Batch> fileBatches(Caller caller, FileId fileId) {
        List<Batch> batches = new ArrayList<>();
        for (BatchStatus status : storage.listFileBatches(fileId)) {
            find(caller, status.batchId()).ifPresent(batches::add);
        }
        return batches;
    }

    /** The answer to {@link #cancel}. */
    public sealed interface Cancelled {
        /** Cancelling (calls still in flight) or cancelled; also the answer for a batch already cancelling. */
        record Accepted(Batch batch) implements Cancelled {
        }

        /** The batch finished (completed, failed, expired or cancelled) before the cancel: OpenAI answers 400. */
        record Refused(Batch batch) implements Cancelled {
        }
    }

    /**
     * Cancels a batch the caller can see. A finished batch — cancelled included, as OpenAI's API treats it
     * — refuses; a cancelling one answers as it is.
     */
    public Cancelled cancel(Batch batch) {
        if (batch.isTerminal()) {
            return new Cancelled.Refused(batch);
        }
        try {
            return new Cancelled.Accepted(storage.cancelBatch(batch.id()));
        } catch (BatchStorageException.InvalidState e) {
            // It finished between the read and the cancel.
            return new Cancelled.Refused(storage.getBatch(batch.id()));
        }
    }
}
