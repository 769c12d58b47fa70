package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStamp;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Batch rows to {@link Batch} records, with their counts. */
final class BatchRows {

    static final Batches B = BATCHES;

    private static final Requests FLIGHT = REQUESTS.as("in_flight");

    /**
     * In-flight originals of the batch, from requests_in_flight_idx (only claimed/processing rows are in
     * it, so this is bounded by daemon concurrency). Skipped for completed, cancelled and expired batches,
     * which by construction have nothing in flight: their counts are read from the row alone.
     */
    static final Field<Integer> IN_FLIGHT = DSL
            .when(B.COMPLETED_AT.isNotNull().or(B.CANCELLED_AT.isNotNull()).or(B.EXPIRED_AT.isNotNull()), DSL.inline(0))
            .otherwise(DSL.field(DSL.selectCount()
                    .from(FLIGHT)
                    .where(FLIGHT.BATCH_ID.eq(B.ID))
                    .and(RequestStates.in(FLIGHT.STATE, RequestStates.IN_FLIGHT))
                    .and(FLIGHT.ESCALATED_FROM.isNull())))
            .as("in_flight_originals");

    /** Every column a {@link Batch} needs; never the batch's upstream secret. */
    static final List<Field<?>> FIELDS = fields();

    private BatchRows() {
    }

    private static List<Field<?>> fields() {
        List<Field<?>> fields = new ArrayList<>();
        for (Field<?> field : B.fields()) {
            if (!field.equals(B.API_KEY)) {
                fields.add(field);
            }
        }
        fields.add(IN_FLIGHT);
        return List.copyOf(fields);
    }

    /** Populated and neither cancelling, finished nor deleted: the batch may have requests claimed ({@link BatchLifecycle#RUNNING}). */
    static Condition running(Batches b) {
        return holds(b, BatchLifecycle.RUNNING);
    }

    /** No terminal stamp yet (cancelling and deleted batches included): the finalizer may still have to close it. */
    static Condition unfinished(Batches b) {
        return holds(b, BatchLifecycle.UNFINISHED);
    }

    /** A rule of {@link BatchLifecycle} as a condition on the stamp columns: the domain's table, rendered. */
    static Condition holds(Batches b, BatchLifecycle.StampRule rule) {
        Condition condition = DSL.noCondition();
        for (BatchStamp stamp : BatchStamp.values()) {
            if (rule.set().contains(stamp)) {
                condition = condition.and(column(b, stamp).isNotNull());
            } else if (rule.unset().contains(stamp)) {
                condition = condition.and(column(b, stamp).isNull());
            }
        }
        return condition;
    }

    static Field<Instant> column(Batches b, BatchStamp stamp) {
        return switch (stamp) {
            case IN_PROGRESS -> b.IN_PROGRESS_AT;
            case FINALIZING -> b.FINALIZING_AT;
            case COMPLETED -> b.COMPLETED_AT;
            case FAILED -> b.FAILED_AT;
            case EXPIRED -> b.EXPIRED_AT;
            case CANCELLING -> b.CANCELLING_AT;
            case CANCELLED -> b.CANCELLED_AT;
            case DELETED -> b.DELETED_AT;
        };
    }

    /** The stamps set in a row that has the stamp columns it is asked about (missing columns count as unset). */
    static Set<BatchStamp> stamps(Record row, Batches b) {
        return BatchStamp.where(stamp -> row.field(column(b, stamp)) != null && row.get(column(b, stamp)) != null);
    }

    static Batch batch(Record row) {
        return new Batch(
                new BatchId(row.get(B.ID)),
                fileId(row.get(B.FILE_ID)),
                row.get(B.ENDPOINT),
                row.get(B.COMPLETION_WINDOW),
                MetadataJson.decode(row.get(B.METADATA)),
                row.get(B.CREATED_BY),
                row.get(B.API_KEY_ID),
                fileId(row.get(B.OUTPUT_FILE_ID)),
                fileId(row.get(B.ERROR_FILE_ID)),
                row.get(B.CREATED_AT),
                row.get(B.EXPIRES_AT),
                row.get(B.IN_PROGRESS_AT),
                row.get(B.FINALIZING_AT),
                row.get(B.COMPLETED_AT),
                row.get(B.FAILED_AT),
                row.get(B.EXPIRED_AT),
                row.get(B.CANCELLING_AT),
                row.get(B.CANCELLED_AT),
                row.get(B.DELETED_AT),
                row.get(B.ERROR_MESSAGE),
                counts(row));
    }

    /**
     * Exact counts from the counters and the in-flight count read in the same statement (one snapshot):
     * pending is what is neither terminal nor in flight, and while a batch is cancelling everything
     * unfinished counts as canceled.
     */
    static RequestCounts counts(Record row) {
        long total = row.get(B.TOTAL_REQUESTS);
        long completed = row.get(B.COMPLETED_COUNT);
        long failed = row.get(B.FAILED_COUNT);
        long canceled = row.get(B.CANCELED_COUNT);
        long inProgress = row.get(B.IN_PROGRESS_AT) == null ? 0 : row.get(IN_FLIGHT);
        long pending = row.get(B.IN_PROGRESS_AT) == null ? 0 : Math.max(0, total - completed - failed - canceled - inProgress);
        if (row.get(B.CANCELLING_AT) != null) {
            canceled += pending + inProgress;
            pending = 0;
            inProgress = 0;
        }
        return new RequestCounts(total, pending, inProgress, completed, failed, canceled);
    }

    private static FileId fileId(UUID id) {
        return id == null ? null : new FileId(id);
    }
}
