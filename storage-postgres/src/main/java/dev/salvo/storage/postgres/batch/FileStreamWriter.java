package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.FILES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.TemplateId;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * {@code createFileStream}: one transaction that inserts the file row, then the templates in
 * multi-row INSERTs as they arrive, then the merged metadata. Only one chunk of templates is ever held
 * in memory, whatever the file's size.
 */
final class FileStreamWriter {

    /** Templates per INSERT: large enough to amortise the round trip, small enough to bound memory. */
    static final int CHUNK_ROWS = 1_000;
    /** Flush earlier when bodies are large, so a chunk of huge prompts does not pile up in memory. */
    static final long CHUNK_CHARS = 8L * 1024 * 1024;

    private static final RequestTemplates T = REQUEST_TEMPLATES;

    private final Sql sql;

    FileStreamWriter(Sql sql) {
        this.sql = sql;
    }

    FileStreamResult write(Iterator<FileStreamItem> items) {
        FileId fileId = FileId.generate();
        Instant now = sql.now();
        try {
            sql.transactionOnce("store file " + fileId, tx -> {
                insertStub(tx, fileId, now);
                FileMetadata metadata = FileMetadata.empty();
                Chunk chunk = new Chunk(fileId, now);
                while (fromProducer(items::hasNext)) {
                    FileStreamItem item = fromProducer(items::next);
                    switch (item) {
                        case FileStreamItem.Metadata m -> metadata = metadata.mergedWith(m.metadata());
                        case FileStreamItem.Template t -> {
                            if (chunk.add(t.template())) {
                                chunk.flush(tx);
                            }
                        }
                        case FileStreamItem.Abort a -> throw new AbortRequested();
                    }
                }
                chunk.flush(tx);
                applyMetadata(tx, fileId, metadata, now);
                return null;
            });
        } catch (AbortRequested e) {
            return new FileStreamResult.Aborted();
        } catch (ProducerFailed e) {
            throw ProducerFailed.rethrow(e.getCause());
        }
        return new FileStreamResult.Success(fileId);
    }

    /** Templates reference the file, so its row comes first; the real metadata is only known at the end. */
    private static void insertStub(DSLContext tx, FileId id, Instant now) {
        tx.insertInto(FILES)
                .set(FILES.ID, id.value())
                .set(FILES.NAME, "upload-" + id)
                .set(FILES.SIZE_BYTES, 0L)
                .set(FILES.STATUS, "processed")
                .set(FILES.CREATED_AT, now)
                .set(FILES.SIZE_FINALIZED, true)
                .execute();
    }

    private static void applyMetadata(DSLContext tx, FileId id, FileMetadata m, Instant now) {
        if (m.expiresAfterSeconds() != null && m.expiresAfterSeconds() <= 0) {
            throw new BatchStorageException.Validation("expires_after seconds must be positive");
        }
        String purpose = m.purpose() != null ? m.purpose() : Purpose.BATCH.wire();
        var update = tx.update(FILES)
                .set(FILES.DESCRIPTION, TextColumns.storable(m.description(), "file description"))
                .set(FILES.SIZE_BYTES, m.sizeBytes() == null ? 0L : Math.max(0L, m.sizeBytes()))
                .set(FILES.PURPOSE, Purpose.parse(purpose).map(Purpose::wire).orElse(null))
                .set(FILES.RAW_PURPOSE, TextColumns.storable(purpose, "file purpose"))
                .set(FILES.EXPIRES_AT, BatchLifecycle.fileExpiresAt(now, m.expiresAfterSeconds()))
                .set(FILES.UPLOADED_BY, TextColumns.storable(m.uploadedBy(), "uploader"))
                .set(FILES.API_KEY_ID, TextColumns.storable(m.apiKeyId(), "api key id"));
        if (m.filename() != null) {
            update = update.set(FILES.NAME, TextColumns.storable(m.filename(), "file name"));
        }
        update.where(FILES.ID.eq(id.value())).execute();
    }

    /** Templates waiting for their INSERT; line numbers continue across chunks. */
    private static final class Chunk {
        private final FileId fileId;
        private final Instant now;
        private final List<RequestTemplateInput> rows = new ArrayList<>(CHUNK_ROWS);
        private long chars;
        private long nextLine;

        Chunk(FileId fileId, Instant now) {
            this.fileId = fileId;
            this.now = now;
        }

        /** @return whether the chunk is full and should be flushed now */
        boolean add(RequestTemplateInput template) {
            rows.add(template);
            chars += template.body().length();
            return rows.size() >= CHUNK_ROWS || chars >= CHUNK_CHARS;
        }

        /**
         * One INSERT … SELECT FROM unnest(ten arrays): ten bind values whatever the chunk size, so
         * neither jOOQ nor the server handles thousands of individual parameters.
         */
        void flush(DSLContext tx) {
            int n = rows.size();
            if (n == 0) {
                return;
            }
            UUID[] ids = new UUID[n];
            Long[] lines = new Long[n];
            String[] customIds = new String[n];
            String[] endpoints = new String[n];
            String[] methods = new String[n];
            String[] paths = new String[n];
            String[] bodies = new String[n];
            String[] models = new String[n];
            String[] apiKeys = new String[n];
            Long[] bodySizes = new Long[n];
            for (int i = 0; i < n; i++) {
                RequestTemplateInput t = rows.get(i);
                ids[i] = TemplateId.generate().value();
                lines[i] = nextLine++;
                customIds[i] = TextColumns.storable(t.customId(), "custom_id");
                endpoints[i] = TextColumns.storable(t.endpoint(), "endpoint");
                methods[i] = TextColumns.storable(t.method(), "method");
                paths[i] = TextColumns.storable(t.path(), "path");
                bodies[i] = TextColumns.storable(t.body(), "template body");
                models[i] = TextColumns.storable(t.model(), "model");
                apiKeys[i] = TextColumns.storable(t.apiKey(), "api key");
                bodySizes[i] = t.bodyByteSize();
            }
            // Multi-array unnest has no jOOQ DSL form; a plain SQL template, still with bind values only.
            Table<?> chunk = DSL.table("unnest({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9})",
                            DSL.val(ids), DSL.val(lines), DSL.val(customIds), DSL.val(endpoints), DSL.val(methods),
                            DSL.val(paths), DSL.val(bodies), DSL.val(models), DSL.val(apiKeys), DSL.val(bodySizes))
                    .as("chunk", "id", "line_number", "custom_id", "endpoint", "method", "path", "body", "model", "api_key",
                            "body_byte_size");
            tx.insertInto(T, T.ID, T.FILE_ID, T.LINE_NUMBER, T.CUSTOM_ID, T.ENDPOINT, T.METHOD, T.PATH, T.BODY, T.MODEL,
                            T.API_KEY, T.BODY_BYTE_SIZE, T.CREATED_AT)
                    .select(DSL.select(
                                    column("id", UUID.class), DSL.val(fileId.value()), column("line_number", Long.class),
                                    column("custom_id", String.class), column("endpoint", String.class),
                                    column("method", String.class), column("path", String.class), column("body", String.class),
                                    column("model", String.class), column("api_key", String.class),
                                    column("body_byte_size", Long.class), DSL.val(now))
                            .from(chunk))
                    .execute();
            rows.clear();
            chars = 0;
        }

        private static <T> Field<T> column(String name, Class<T> type) {
            return DSL.field(DSL.name("chunk", name), type);
        }
    }

    /** Runs a call into the producer, marking whatever it throws so it can be told apart from our own failures. */
    private static <T> T fromProducer(Supplier<T> call) {
        try {
            return call.get();
        } catch (Throwable t) {
            throw new ProducerFailed(t);
        }
    }

    /** The producer sent {@link FileStreamItem.Abort}: roll back and answer Aborted. */
    private static final class AbortRequested extends RuntimeException {
        AbortRequested() {
            super("file stream aborted by its producer", null, false, false);
        }
    }

    /** Carries the producer's own exception out of the rolled-back transaction, to be rethrown unchanged. */
    static final class ProducerFailed extends RuntimeException {
        ProducerFailed(Throwable cause) {
            super("file stream producer failed", cause, false, false);
        }

        @SuppressWarnings("unchecked")
        static <E extends Throwable> RuntimeException rethrow(Throwable original) throws E {
            throw (E) original;
        }
    }
}
