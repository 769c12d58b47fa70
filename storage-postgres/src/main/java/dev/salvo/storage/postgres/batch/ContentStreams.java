package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The streaming reads: file content by purpose, the merged results view, a batch's requests. All are
 * keyset-paged ({@link KeysetPages}); an offset is applied to the first page only, after filtering.
 */
final class ContentStreams {

    private static final RequestTemplates T = REQUEST_TEMPLATES;
    private static final Requests R = REQUESTS;
    private static final Batches B = BATCHES;

    private final Sql sql;
    private final FileRepository files;

    ContentStreams(Sql sql, FileRepository files) {
        this.sql = sql;
        this.files = files;
    }

    // ------------------------------------------------------------------ file content

    Stream<FileContentItem> streamFileContent(FileId fileId, long offset, String search) {
        if (offset < 0) {
            throw new BatchStorageException.Validation("offset must not be negative");
        }
        Record2<UUID, String> file = files.requireFile(fileId);
        Purpose purpose = Purpose.parse(file.value2()).orElse(Purpose.BATCH);
        String needle = search == null || search.isEmpty() ? null : search;
        return switch (purpose) {
            case BATCH -> templates(fileId.value(), offset, needle);
            case BATCH_OUTPUT -> owningBatch(B.OUTPUT_FILE_ID, fileId).map(b -> outputs(b, offset, needle)).orElseGet(Stream::empty);
            case BATCH_ERROR -> owningBatch(B.ERROR_FILE_ID, fileId).map(b -> errors(b, offset, needle)).orElseGet(Stream::empty);
        };
    }

    /** The batch a virtual file belongs to, deleted or not: its results stay downloadable. */
    private java.util.Optional<UUID> owningBatch(Field<UUID> column, FileId fileId) {
        return sql.read("find batch of file " + fileId,
                () -> sql.dsl().select(B.ID).from(B).where(column.eq(fileId.value())).fetchOptional(B.ID));
    }

    /** Templates in line order. Without a search, the offset is a line number: a seek, not a skip. */
    private Stream<FileContentItem> templates(UUID fileId, long offset, String search) {
        return KeysetPages.<FileContentItem, Long>stream(afterLine -> sql.read("stream file " + fileId, () -> {
            Condition where = T.FILE_ID.eq(fileId);
            if (search != null) {
                where = where.and(Search.contains(T.CUSTOM_ID, search));
            }
            long skip = 0;
            if (afterLine != null) {
                where = where.and(T.LINE_NUMBER.gt(afterLine));
            } else if (search == null) {
                where = where.and(T.LINE_NUMBER.ge(offset));
            } else {
                skip = offset;
            }
            return sql.dsl().select(T.LINE_NUMBER, T.CUSTOM_ID, T.ENDPOINT, T.METHOD, T.PATH, T.BODY, T.MODEL, T.API_KEY)
                    .from(T).where(where)
                    .orderBy(T.LINE_NUMBER)
                    .limit(KeysetPages.PAGE_SIZE).offset(skip)
                    .fetch(r -> new KeysetPages.Keyed<FileContentItem, Long>(
                            new FileContentItem.TemplateLine(r.get(T.LINE_NUMBER), new RequestTemplateInput(
                                    r.get(T.CUSTOM_ID), r.get(T.ENDPOINT), r.get(T.METHOD), r.get(T.PATH), r.get(T.BODY),
                                    r.get(T.MODEL), r.get(T.API_KEY))),
                            r.get(T.LINE_NUMBER)));
        }));
    }

    private record TimeKey(Instant at, UUID id) {
    }

    /** Completed requests (originals and copies) in (completed_at, id) order: new results only append. */
    private Stream<FileContentItem> outputs(UUID batchId, long offset, String search) {
        return KeysetPages.<FileContentItem, TimeKey>stream(after -> sql.read("stream output of batch " + batchId, () ->
                page(R.BATCH_ID.eq(batchId).and(RequestStates.is(R.STATE, RequestStateKind.COMPLETED)), R.COMPLETED_AT, after, offset, search)
                        .fetch(r -> new KeysetPages.Keyed<FileContentItem, TimeKey>(
                                new FileContentItem.OutputLine(new RequestId(r.get(R.ID)), r.get(R.CUSTOM_ID),
                                        r.get(R.RESPONSE_STATUS), r.get(R.RESPONSE_BODY)),
                                new TimeKey(r.get(R.COMPLETED_AT), r.get(R.ID))))));
    }

    /** Failed originals (a superseded one is not failed) in (failed_at, id) order. */
    private Stream<FileContentItem> errors(UUID batchId, long offset, String search) {
        return KeysetPages.<FileContentItem, TimeKey>stream(after -> sql.read("stream errors of batch " + batchId, () ->
                page(R.BATCH_ID.eq(batchId).and(RequestStates.is(R.STATE, RequestStateKind.FAILED)).and(R.ESCALATED_FROM.isNull()),
                        R.FAILED_AT, after, offset, search)
                        .fetch(r -> new KeysetPages.Keyed<FileContentItem, TimeKey>(
                                new FileContentItem.ErrorLine(new RequestId(r.get(R.ID)), r.get(R.CUSTOM_ID),
                                        FailureReasonJson.decode(r.get(R.ERROR))),
                                new TimeKey(r.get(R.FAILED_AT), r.get(R.ID))))));
    }

    /** One page of result rows ordered by ({@code at}, id): keyset after {@code after}, else the offset. */
    private org.jooq.ResultQuery<? extends Record> page(Condition rows, Field<Instant> at, TimeKey after, long offset, String search) {
        Condition where = rows;
        if (search != null) {
            where = where.and(Search.contains(R.CUSTOM_ID, search));
        }
        if (after != null) {
            where = where.and(DSL.row(at, R.ID).gt(after.at(), after.id()));
        }
        return sql.dsl().select(R.ID, R.CUSTOM_ID, R.RESPONSE_STATUS, R.RESPONSE_BODY, R.ERROR, R.COMPLETED_AT, R.FAILED_AT)
                .from(R).where(where)
                .orderBy(at, R.ID)
                .limit(KeysetPages.PAGE_SIZE).offset(after == null ? offset : 0);
    }

    // ------------------------------------------------------------------ merged results view

    private static final Requests O = R.as("original");
    private static final Requests W = R.as("winner");
    /** The request's own copy of the template body once it has one, else the template's. */
    private static final Field<String> INPUT_BODY = DSL.coalesce(O.BODY, T.BODY).as("input_body");

    /**
     * One row per template in line order: the batch's original requests (requests_batch_line_idx),
     * each joined to the escalated copy that superseded it, if any, whose result it then shows. While
     * the batch is cancelling, unfinished rows show as canceled, as the counts do.
     */
    Stream<BatchResultItem> streamBatchResults(BatchId batchId, long offset, String search, ResultStatus status) {
        if (offset < 0) {
            throw new BatchStorageException.Validation("offset must not be negative");
        }
        Record batch = sql.read("get batch " + batchId, () -> sql.dsl().select(B.ID, B.CANCELLING_AT).from(B)
                .where(B.ID.eq(batchId.value())).and(B.DELETED_AT.isNull()).fetchOne());
        if (batch == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, batchId);
        }
        boolean cancelling = batch.get(B.CANCELLING_AT) != null;
        Field<String> shown = shownStatus(cancelling);
        String needle = search == null || search.isEmpty() ? null : search;
        return KeysetPages.<BatchResultItem, Long>stream(afterLine -> sql.read("stream results of batch " + batchId, () -> {
            Condition where = O.BATCH_ID.eq(batchId.value()).and(O.ESCALATED_FROM.isNull());
            if (needle != null) {
                where = where.and(Search.contains(O.CUSTOM_ID, needle));
            }
            if (status != null) {
                where = where.and(shown.eq(status.wire()));
            }
            if (afterLine != null) {
                where = where.and(O.LINE_NUMBER.gt(afterLine));
            }
            return sql.dsl().select(O.ID, O.LINE_NUMBER, O.CUSTOM_ID, O.MODEL, O.STATE, O.RESPONSE_STATUS, O.RESPONSE_BODY, O.ERROR,
                            W.ID, W.MODEL, W.RESPONSE_STATUS, W.RESPONSE_BODY, INPUT_BODY, shown.as("shown_status"))
                    .from(O)
                    .leftJoin(W).on(W.ID.eq(O.SUPERSEDED_BY).and(RequestStates.is(O.STATE, RequestStateKind.SUPERSEDED)))
                    .leftJoin(T).on(T.ID.eq(O.TEMPLATE_ID))
                    .where(where)
                    .orderBy(O.LINE_NUMBER)
                    .limit(KeysetPages.PAGE_SIZE).offset(afterLine == null ? offset : 0)
                    .fetch(r -> new KeysetPages.Keyed<BatchResultItem, Long>(resultItem(r), r.get(O.LINE_NUMBER)));
        }));
    }

    private static BatchResultItem resultItem(Record r) {
        ResultStatus status = ResultStatus.parse(r.get("shown_status", String.class));
        boolean copyWon = r.get(W.ID) != null;
        UUID id = copyWon ? r.get(W.ID) : r.get(O.ID);
        String model = copyWon ? r.get(W.MODEL) : r.get(O.MODEL);
        Integer statusCode = status == ResultStatus.COMPLETED ? (copyWon ? r.get(W.RESPONSE_STATUS) : r.get(O.RESPONSE_STATUS)) : null;
        String body = status == ResultStatus.COMPLETED ? (copyWon ? r.get(W.RESPONSE_BODY) : r.get(O.RESPONSE_BODY)) : null;
        return new BatchResultItem(new RequestId(id), r.get(O.LINE_NUMBER), r.get(O.CUSTOM_ID), model, r.get(INPUT_BODY),
                statusCode, body,
                r.get(O.ERROR) == null ? null : FailureReasonJson.decode(r.get(O.ERROR)),
                status);
    }

    /** The status a row shows: completed (itself or through its winning copy), failed, canceled, in progress, pending. */
    private static Field<String> shownStatus(boolean cancelling) {
        String unfinishedInFlight = cancelling ? ResultStatus.CANCELED.wire() : ResultStatus.IN_PROGRESS.wire();
        String unfinishedWaiting = cancelling ? ResultStatus.CANCELED.wire() : ResultStatus.PENDING.wire();
        return DSL.when(RequestStates.in(O.STATE, RequestStates.wires(RequestStateKind.COMPLETED, RequestStateKind.SUPERSEDED)), DSL.inline(ResultStatus.COMPLETED.wire()))
                .when(RequestStates.is(O.STATE, RequestStateKind.FAILED), DSL.inline(ResultStatus.FAILED.wire()))
                .when(RequestStates.is(O.STATE, RequestStateKind.CANCELED), DSL.inline(ResultStatus.CANCELED.wire()))
                .when(RequestStates.in(O.STATE, RequestStates.IN_FLIGHT), DSL.inline(unfinishedInFlight))
                .otherwise(DSL.inline(unfinishedWaiting));
    }

    // ------------------------------------------------------------------ a batch's requests

    private record LineKey(long line, UUID id) {
    }

    /** Every request of the batch, escalated copies included, in (line_number, id) order. */
    Stream<BatchRequest> streamBatchRequests(BatchId batchId) {
        boolean exists = sql.read("get batch " + batchId, () -> sql.dsl().fetchExists(B, B.ID.eq(batchId.value()).and(B.DELETED_AT.isNull())));
        if (!exists) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, batchId);
        }
        RequestView view = RequestView.DEFAULT;
        Requests r = view.r();
        return KeysetPages.<BatchRequest, LineKey>stream(after -> sql.read("stream requests of batch " + batchId, () -> {
            Condition where = r.BATCH_ID.eq(batchId.value());
            if (after != null) {
                where = where.and(DSL.row(r.LINE_NUMBER, r.ID).gt(after.line(), after.id()));
            }
            return sql.dsl().select(view.fields()).from(view.from())
                    .where(where)
                    .orderBy(r.LINE_NUMBER, r.ID)
                    .limit(KeysetPages.PAGE_SIZE)
                    .fetch(row -> new KeysetPages.Keyed<BatchRequest, LineKey>(view.request(row),
                            new LineKey(row.get(r.LINE_NUMBER), row.get(r.ID))));
        }));
    }
}
