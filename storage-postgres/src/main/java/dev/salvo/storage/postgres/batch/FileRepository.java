package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Files;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.SelectLimitStep;
import org.jooq.impl.DSL;

/** Files: reads, listing, template statistics, soft delete. Uploads are {@link FileStreamWriter}'s. */
final class FileRepository {

    private static final Files F = FILES;
    private static final Batches B = BATCHES;

    private final Sql sql;
    private final BatchFinalizer finalizer;

    FileRepository(Sql sql, BatchFinalizer finalizer) {
        this.sql = sql;
        this.finalizer = finalizer;
    }

    BatchFile getFile(FileId id) {
        Instant now = sql.now();
        Record row = sql.read("get file " + id, () -> sql.dsl().select(FileRows.FIELDS).from(FileRows.WITH_OWNERS)
                .where(F.ID.eq(id.value())).and(F.DELETED_AT.isNull())
                .fetchOne());
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
        }
        return FileRows.file(row, now);
    }

    /** The file's id and purpose if it exists and is not deleted. */
    Record2<UUID, String> requireFile(FileId id) {
        Record2<UUID, String> row = sql.read("get file " + id, () -> sql.dsl().select(F.ID, F.PURPOSE).from(F)
                .where(F.ID.eq(id.value())).and(F.DELETED_AT.isNull())
                .fetchOne());
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
        }
        return row;
    }

    /**
     * Ordered by (created_at, created_seq) either way — creation order, which ids only give to the
     * millisecond — with the keyset cursor on that pair (files_listing_idx).
     */
    List<BatchFile> listFiles(FileFilter filter) {
        Instant now = sql.now();
        return sql.read("list files", () -> {
            List<Condition> where = new ArrayList<>();
            where.add(F.DELETED_AT.isNull());
            if (filter.uploadedBy() != null) {
                where.add(F.UPLOADED_BY.eq(filter.uploadedBy()));
            }
            if (filter.status() != null) {
                where.add(switch (filter.status()) {
                    case PROCESSED -> F.STATUS.eq("processed").and(F.EXPIRES_AT.isNull().or(F.EXPIRES_AT.gt(now)));
                    case EXPIRED -> FileRows.expired(now);
                    case ERROR -> F.STATUS.eq("error");
                    case DELETED -> DSL.falseCondition();
                });
            }
            if (filter.purpose() != null) {
                where.add(F.PURPOSE.eq(filter.purpose().wire()));
            }
            if (filter.search() != null && !filter.search().isEmpty()) {
                where.add(Search.contains(F.NAME, filter.search()));
            }
            if (filter.apiKeyIds() != null) {
                where.add(filter.apiKeyIds().isEmpty() ? DSL.falseCondition() : F.API_KEY_ID.in(filter.apiKeyIds()));
            }
            if (filter.after() != null) {
                Record2<Instant, Long> cursor = sql.dsl().select(F.CREATED_AT, F.CREATED_SEQ).from(F)
                        .where(F.ID.eq(filter.after().value())).fetchOne();
                if (cursor == null) {
                    throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, filter.after());
                }
                where.add(filter.ascending()
                        ? DSL.row(F.CREATED_AT, F.CREATED_SEQ).gt(cursor.value1(), cursor.value2())
                        : DSL.row(F.CREATED_AT, F.CREATED_SEQ).lt(cursor.value1(), cursor.value2()));
            }
            SelectLimitStep<Record> query = sql.dsl().select(FileRows.FIELDS).from(FileRows.WITH_OWNERS)
                    .where(where)
                    .orderBy(filter.ascending()
                            ? List.of(F.CREATED_AT.asc(), F.CREATED_SEQ.asc())
                            : List.of(F.CREATED_AT.desc(), F.CREATED_SEQ.desc()));
            List<Record> rows = filter.limit() == null ? query.fetch() : query.limit(filter.limit()).fetch();
            return rows.stream().map(row -> FileRows.file(row, now)).toList();
        });
    }

    /** From request_templates_file_model_idx alone (index-only): counts and body sizes, never bodies. */
    List<ModelTemplateStats> getFileTemplateStats(FileId id) {
        requireFile(id);
        var t = REQUEST_TEMPLATES;
        return sql.read("template statistics of file " + id, () -> sql.dsl()
                .select(t.MODEL, DSL.count(), DSL.sum(t.BODY_BYTE_SIZE))
                .from(t)
                .where(t.FILE_ID.eq(id.value()))
                .groupBy(t.MODEL)
                .orderBy(t.MODEL)
                .fetch(r -> new ModelTemplateStats(r.value1(), r.value2(), toLong(r.value3()))));
    }

    private static long toLong(BigDecimal value) {
        return value == null ? 0 : value.longValueExact();
    }

    /**
     * Soft delete in one transaction: running batches reading the file are cancelled and every batch
     * loses its link to it (input, output or error). Requests of the batches that keep existing get
     * their own copy of the template values first, so the purge may remove the templates later without
     * taking anything from them. Lock order as everywhere: the file row (so no batch is created from
     * it meanwhile), the request rows, then the batch rows.
     */
    void deleteFile(FileId id) {
        Instant now = sql.now();
        RequestTemplates t = REQUEST_TEMPLATES;
        Requests r = REQUESTS;
        sql.transaction("delete file " + id, tx -> {
            Record file = tx.select(F.ID, F.DELETED_AT).from(F).where(F.ID.eq(id.value())).forUpdate().fetchOne();
            if (file == null || file.get(F.DELETED_AT) != null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, id);
            }
            List<UUID> readers = tx.select(B.ID).from(B).where(B.FILE_ID.eq(id.value())).orderBy(B.ID).fetch(B.ID);
            if (!readers.isEmpty()) {
                tx.update(r)
                        .set(r.ENDPOINT, t.ENDPOINT)
                        .set(r.METHOD, t.METHOD)
                        .set(r.PATH, t.PATH)
                        .set(r.BODY, t.BODY)
                        .set(r.TEMPLATE_API_KEY, t.API_KEY)
                        .from(t)
                        .where(t.ID.eq(r.TEMPLATE_ID))
                        .and(r.BATCH_ID.in(tx.select(B.ID).from(B).where(B.ID.in(readers)).and(B.DELETED_AT.isNull())))
                        .and(r.BODY.isNull())
                        .execute();
                tx.select(B.ID).from(B).where(B.ID.in(readers)).orderBy(B.ID).forNoKeyUpdate().execute();
                tx.update(B).set(B.CANCELLING_AT, now)
                        .where(B.ID.in(readers)).and(B.CANCELLING_AT.isNull()).and(BatchRows.unfinished(B))
                        .execute();
                tx.update(B).setNull(B.FILE_ID).where(B.ID.in(readers)).execute();
            }
            tx.update(B).setNull(B.OUTPUT_FILE_ID).where(B.OUTPUT_FILE_ID.eq(id.value())).execute();
            tx.update(B).setNull(B.ERROR_FILE_ID).where(B.ERROR_FILE_ID.eq(id.value())).execute();
            tx.update(F).set(F.DELETED_AT, now).set(F.STATUS, "deleted").where(F.ID.eq(id.value())).execute();
            for (UUID batchId : readers) {
                finalizer.settle(tx, batchId, CounterDelta.NONE, now);
            }
            return null;
        });
    }
}
