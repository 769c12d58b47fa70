package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;

import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.VirtualFileSize;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * File rows to {@link BatchFile} records. A virtual output or error file's size is derived from its
 * batch's counters (joined through the unique output_file_id / error_file_id keys), so it is exact at
 * every moment without a write, and final once the batch is.
 */
final class FileRows {

    static final Files F = FILES;
    private static final Batches OUT = BATCHES.as("output_of");
    private static final Batches ERR = BATCHES.as("errors_of");

    /** {@code files} with the batches a virtual file belongs to. */
    static final Table<?> WITH_OWNERS = F
            .leftJoin(OUT).on(OUT.OUTPUT_FILE_ID.eq(F.ID))
            .leftJoin(ERR).on(ERR.ERROR_FILE_ID.eq(F.ID));

    static final List<Field<?>> FIELDS = fields();

    private FileRows() {
    }

    private static List<Field<?>> fields() {
        List<Field<?>> fields = new ArrayList<>(List.of(F.fields()));
        fields.addAll(List.of(OUT.ID, OUT.OUTPUT_LINES, OUT.OUTPUT_BYTES, OUT.COMPLETED_AT, OUT.FAILED_AT, OUT.CANCELLED_AT,
                OUT.EXPIRED_AT));
        fields.addAll(List.of(ERR.ID, ERR.ERROR_LINES, ERR.ERROR_BYTES, ERR.COMPLETED_AT, ERR.FAILED_AT, ERR.CANCELLED_AT,
                ERR.EXPIRED_AT));
        return List.copyOf(fields);
    }

    /** Stored 'processed' with a passed expiry reads as expired ({@code BatchLifecycle.fileExpired}: inclusive); nothing is written. */
    static Condition expired(Instant now) {
        return F.STATUS.eq("processed").and(F.EXPIRES_AT.le(now));
    }

    static BatchFile file(Record row, Instant now) {
        Purpose purpose = Purpose.parse(row.get(F.PURPOSE)).orElse(null);
        long size = row.get(F.SIZE_BYTES);
        boolean finalized = row.get(F.SIZE_FINALIZED);
        if (purpose == Purpose.BATCH_OUTPUT && row.get(OUT.ID) != null) {
            size = VirtualFileSize.ofOutput(row.get(OUT.OUTPUT_LINES), row.get(OUT.OUTPUT_BYTES));
            finalized = terminal(row, OUT);
        } else if (purpose == Purpose.BATCH_ERROR && row.get(ERR.ID) != null) {
            size = VirtualFileSize.ofErrors(row.get(ERR.ERROR_LINES), row.get(ERR.ERROR_BYTES));
            finalized = terminal(row, ERR);
        }
        return new BatchFile(
                new FileId(row.get(F.ID)),
                row.get(F.NAME),
                row.get(F.DESCRIPTION),
                size,
                status(row, now),
                row.get(F.ERROR_MESSAGE),
                purpose,
                row.get(F.RAW_PURPOSE),
                row.get(F.CREATED_AT),
                row.get(F.EXPIRES_AT),
                row.get(F.DELETED_AT),
                row.get(F.UPLOADED_BY),
                row.get(F.API_KEY_ID),
                finalized);
    }

    private static FileStatus status(Record row, Instant now) {
        if (row.get(F.DELETED_AT) != null) {
            return FileStatus.DELETED;
        }
        if ("error".equals(row.get(F.STATUS))) {
            return FileStatus.ERROR;
        }
        Instant expiresAt = row.get(F.EXPIRES_AT);
        return BatchLifecycle.fileExpired(expiresAt, now) ? FileStatus.EXPIRED : FileStatus.PROCESSED;
    }

    private static boolean terminal(Record row, Batches b) {
        return row.get(b.COMPLETED_AT) != null || row.get(b.FAILED_AT) != null || row.get(b.CANCELLED_AT) != null
                || row.get(b.EXPIRED_AT) != null;
    }
}
