package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStatus;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.CompletionWindow;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** Batch records: creation, population, reads, cancel, delete, batch-level failure. */
final class BatchRepository {

    private static final Batches B = BATCHES;
    private static final Requests R = REQUESTS;
    private static final RequestTemplates T = REQUEST_TEMPLATES;
    /** Requests inserted per statement while populating. */
    static final int POPULATE_CHUNK = 5_000;

    private final Sql sql;
    private final BatchFinalizer finalizer;

    BatchRepository(Sql sql, BatchFinalizer finalizer) {
        this.sql = sql;
        this.finalizer = finalizer;
    }

    // ------------------------------------------------------------------ create and populate

    /** The batch and its two virtual files, in one transaction. */
    Batch createBatchRecord(BatchInput input) {
        CompletionWindow window = CompletionWindow.parse(input.completionWindow());
        BatchId id = BatchId.generate();
        FileId output = FileId.generate();
        FileId errors = FileId.generate();
        Instant now = sql.now();
        String owner = TextColumns.storable(input.createdBy(), "created_by");
        sql.transaction("create batch", tx -> {
            // FOR SHARE: a concurrent deleteFile (FOR UPDATE) waits for this batch, then sees and unlinks it.
            Record file = tx.select(FILES.PURPOSE).from(FILES)
                    .where(FILES.ID.eq(input.fileId().value())).and(FILES.DELETED_AT.isNull())
                    .forShare()
                    .fetchOne();
            if (file == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, input.fileId());
            }
            if (!Purpose.BATCH.wire().equals(file.get(FILES.PURPOSE))) {
                throw new BatchStorageException.Validation("file " + input.fileId()
                        + " is not an input file; a batch needs a file with purpose 'batch'");
            }
            insertVirtualFile(tx, output, "batch-" + id + "-output.jsonl", "Output file for batch " + id, Purpose.BATCH_OUTPUT, input, now);
            insertVirtualFile(tx, errors, "batch-" + id + "-error.jsonl", "Error file for batch " + id, Purpose.BATCH_ERROR, input, now);
            return tx.insertInto(B)
                    .set(B.ID, id.value())
                    .set(B.FILE_ID, input.fileId().value())
                    .set(B.ENDPOINT, TextColumns.storable(input.endpoint(), "endpoint"))
                    .set(B.COMPLETION_WINDOW, window.text())
                    .set(B.METADATA, MetadataJson.encode(input.metadata()))
                    .set(B.CREATED_BY, owner)
                    .set(B.API_KEY_ID, TextColumns.storable(input.apiKeyId(), "api key id"))
                    .set(B.API_KEY, TextColumns.storable(input.apiKey(), "api key"))
                    .set(B.OUTPUT_FILE_ID, output.value())
                    .set(B.ERROR_FILE_ID, errors.value())
                    .set(B.CREATED_AT, now)
                    .set(B.EXPIRES_AT, now.plus(window.duration()))
                    .set(B.TOTAL_REQUESTS, input.expectedRequests() == null ? 0L : Math.max(0L, input.expectedRequests()))
                    .execute();
        });
        return getBatch(id);
    }

    private static void insertVirtualFile(DSLContext tx, FileId id, String name, String description, Purpose purpose,
                                          BatchInput input, Instant now) {
        tx.insertInto(FILES)
                .set(FILES.ID, id.value())
                .set(FILES.NAME, name)
                .set(FILES.DESCRIPTION, description)
                .set(FILES.SIZE_BYTES, 0L)
                .set(FILES.STATUS, "processed")
                .set(FILES.PURPOSE, purpose.wire())
                .set(FILES.RAW_PURPOSE, purpose.wire())
                .set(FILES.CREATED_AT, now)
                .set(FILES.UPLOADED_BY, input.createdBy().isEmpty() ? null : input.createdBy())
                .set(FILES.API_KEY_ID, input.apiKeyId())
                .set(FILES.SIZE_FINALIZED, false)
                .execute();
    }

    /**
     * One pending request per template, in one transaction that holds the batch row's lock: a second
     * (or concurrent) call finds the batch populated and changes nothing. Requests are inserted in
     * chunks of line numbers by INSERT … SELECT; templates never leave the database.
     */
    void populateBatch(BatchId batchId, FileId fileId) {
        Instant now = sql.now();
        sql.transaction("populate batch " + batchId, tx -> {
            if (!tx.fetchExists(B, B.ID.eq(batchId.value()))) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, batchId);
            }
            // The file first (as deleteFile locks it), then the batch row, which serialises populations.
            Record file = tx.select(FILES.ID, FILES.DELETED_AT).from(FILES).where(FILES.ID.eq(fileId.value())).forShare().fetchOne();
            Record batch = tx.select(B.ID, B.IN_PROGRESS_AT, B.DELETED_AT, B.CANCELLING_AT, B.CANCELLED_AT, B.FAILED_AT)
                    .from(B).where(B.ID.eq(batchId.value()))
                    .forNoKeyUpdate()
                    .fetchOne();
            if (batch.get(B.IN_PROGRESS_AT) != null) {
                return null;
            }
            if (batch.get(B.DELETED_AT) != null || batch.get(B.CANCELLING_AT) != null || batch.get(B.CANCELLED_AT) != null
                    || batch.get(B.FAILED_AT) != null) {
                throw new BatchStorageException.InvalidState("batch " + batchId + " is deleted, cancelled or failed; it cannot be populated");
            }
            if (file == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, fileId);
            }
            if (file.get(FILES.DELETED_AT) != null) {
                throw new BatchStorageException.InvalidState("file " + fileId + " was deleted; batch " + batchId + " cannot be populated");
            }
            long templates = tx.fetchCount(T, T.FILE_ID.eq(fileId.value()));
            long populated = 0;
            for (long base = 0; base < templates; base += POPULATE_CHUNK) {
                populated += insertRequests(tx, batchId, fileId, base, (int) Math.min(POPULATE_CHUNK, templates - base), now);
            }
            if (populated == 0) {
                throw new BatchStorageException.Validation("Cannot populate batch " + batchId + " from file " + fileId
                        + ": the file has no templates");
            }
            tx.update(B)
                    .set(B.TOTAL_REQUESTS, populated)
                    .set(B.IN_PROGRESS_AT, now)
                    .where(B.ID.eq(batchId.value()))
                    .execute();
            return null;
        });
    }

    // ------------------------------------------------------------------ reads

    Batch getBatch(BatchId id) {
        Record row = sql.read("get batch " + id, () -> sql.dsl().select(BatchRows.FIELDS).from(B)
                .where(B.ID.eq(id.value())).and(B.DELETED_AT.isNull())
                .fetchOne());
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
        }
        return BatchRows.batch(row);
    }

    BatchStatus getBatchStatus(BatchId id) {
        Record row = sql.read("get batch status " + id, () -> sql.dsl().select(BatchRows.FIELDS).select(FILES.NAME)
                .from(B).leftJoin(FILES).on(FILES.ID.eq(B.FILE_ID))
                .where(B.ID.eq(id.value())).and(B.DELETED_AT.isNull())
                .fetchOne());
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
        }
        return BatchStatus.of(BatchRows.batch(row), row.get(FILES.NAME));
    }

    List<BatchStatus> listFileBatches(FileId fileId) {
        return sql.read("list batches of file " + fileId, () -> sql.dsl().select(BatchRows.FIELDS).select(FILES.NAME)
                .from(B).leftJoin(FILES).on(FILES.ID.eq(B.FILE_ID))
                .where(B.FILE_ID.eq(fileId.value())).and(B.DELETED_AT.isNull())
                .orderBy(B.CREATED_AT.desc(), B.CREATED_SEQ.desc())
                .fetch(row -> BatchStatus.of(BatchRows.batch(row), row.get(FILES.NAME))));
    }

    Optional<Batch> getBatchByOutputFileId(FileId fileId, OutputFileType type) {
        var column = type == OutputFileType.OUTPUT ? B.OUTPUT_FILE_ID : B.ERROR_FILE_ID;
        return sql.read("find batch of file " + fileId, () -> sql.dsl().select(BatchRows.FIELDS).from(B)
                .where(column.eq(fileId.value())).and(B.DELETED_AT.isNull())
                .fetchOptional(BatchRows::batch));
    }

    Set<BatchId> getCancelledBatchIds(Collection<BatchId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        List<UUID> values = ids.stream().map(BatchId::value).distinct().toList();
        return sql.read("find cancelled batches", () -> new HashSet<>(sql.dsl().select(B.ID).from(B)
                .where(B.ID.in(values))
                .and(B.CANCELLING_AT.isNotNull().or(B.DELETED_AT.isNotNull()))
                .fetch(r -> new BatchId(r.value1()))));
    }

    // ------------------------------------------------------------------ cancel, delete, fail

    /**
     * Stamps cancelling (claims stop at once: the claim only reads running batches) and, in a later
     * statement of the same transaction, cancelled if nothing is in flight. A persist racing with it
     * waits for the batch row and then sees the stamp, so one of the two always closes the batch.
     */
    Batch cancelBatch(BatchId id) {
        Instant now = sql.now();
        sql.transaction("cancel batch " + id, tx -> {
            Record batch = lockLive(tx, id);
            switch (BatchLifecycle.cancel(BatchRows.stamps(batch, B))) {
                case REFUSE -> throw new BatchStorageException.InvalidState("batch " + id + " is already " + statusWord(batch)
                        + "; it cannot be cancelled");
                case CANCEL -> tx.update(B).set(B.CANCELLING_AT, now).where(B.ID.eq(id.value())).execute();
                case ALREADY_CANCELLING -> { }
            }
            return finalizer.settle(tx, id.value(), CounterDelta.NONE, now);
        });
        return getBatch(id);
    }

    void deleteBatch(BatchId id) {
        Instant now = sql.now();
        sql.transaction("delete batch " + id, tx -> {
            Record batch = lockLive(tx, id);
            var update = tx.update(B).set(B.DELETED_AT, now);
            if (BatchLifecycle.deleteCancelsFirst(BatchRows.stamps(batch, B))) {
                update = update.set(B.CANCELLING_AT, now);
            }
            update.where(B.ID.eq(id.value())).execute();
            return finalizer.settle(tx, id.value(), CounterDelta.NONE, now);
        });
    }

    void markBatchFailed(BatchId id, String message) {
        Instant now = sql.now();
        String stored = message == null ? null : message.replace('\u0000', '\uFFFD');
        sql.transaction("mark batch " + id + " failed", tx -> {
            int updated = tx.update(B)
                    .set(B.FAILED_AT, now)
                    .set(B.ERROR_MESSAGE, stored)
                    .where(B.ID.eq(id.value())).and(B.FAILED_AT.isNull())
                    .execute();
            if (updated == 0 && !tx.fetchExists(B, B.ID.eq(id.value()))) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
            }
            return null;
        });
    }

    /**
     * Requests for the templates at lines {@code [base, base + n)}: one INSERT … SELECT joining the
     * templates (by the unique (file_id, line_number) key; line numbers are contiguous from 0) to an
     * array of ids generated here, so no template row travels to the application and back.
     */
    private static int insertRequests(DSLContext tx, BatchId batchId, FileId fileId, long base, int n, Instant now) {
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = RequestId.generate().value();
        }
        Table<?> generated = DSL.unnest(DSL.val(ids)).withOrdinality().as("generated", "id", "ordinal");
        Field<UUID> id = DSL.field(DSL.name("generated", "id"), UUID.class);
        Field<Long> ordinal = DSL.field(DSL.name("generated", "ordinal"), Long.class);
        return tx.insertInto(R, R.ID, R.BATCH_ID, R.TEMPLATE_ID, R.LINE_NUMBER, R.CUSTOM_ID, R.MODEL, R.STATE, R.CREATED_AT)
                .select(DSL.select(id, DSL.val(batchId.value()), T.ID, T.LINE_NUMBER, T.CUSTOM_ID, T.MODEL,
                                DSL.inline(RequestStateKind.PENDING.wire()), DSL.val(now))
                        .from(generated)
                        .join(T).on(T.FILE_ID.eq(fileId.value()).and(T.LINE_NUMBER.eq(ordinal.plus(base - 1))))
                        .orderBy(T.LINE_NUMBER))
                .execute();
    }

    private static Record lockLive(DSLContext tx, BatchId id) {
        Record batch = tx.select(B.ID, B.COMPLETED_AT, B.FAILED_AT, B.EXPIRED_AT, B.CANCELLED_AT, B.CANCELLING_AT, B.DELETED_AT)
                .from(B).where(B.ID.eq(id.value()))
                .forNoKeyUpdate()
                .fetchOne();
        if (batch == null || batch.get(B.DELETED_AT) != null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
        }
        return batch;
    }

    private static String statusWord(Record batch) {
        if (batch.get(B.FAILED_AT) != null) {
            return "failed";
        }
        return batch.get(B.EXPIRED_AT) != null ? "expired" : "completed";
    }

}
