package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.FILES;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchStatusFilter;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@code listBatches}: newest first by (created_at, created_seq) — creation order, which ids only give
 * to the millisecond — or active batches first; keyset pagination on exactly the ordering key, read
 * from the cursor batch. The ORDER BY expressions are those of
 * batches_listing_idx / batches_owner_listing_idx / batches_active_first_idx, so a page is an index
 * range scan that stops after {@code limit} matching rows; counts are attached only to that page.
 */
final class BatchListing {

    private static final Batches B = BATCHES;

    /**
     * The leading expression of batches_active_first_idx, term for term: PostgreSQL only uses an
     * expression index for an ORDER BY that repeats the indexed expression.
     */
    static final Field<Boolean> ACTIVE = DSL.field(B.COMPLETED_AT.isNull()
            .and(B.FAILED_AT.isNull())
            .and(B.CANCELLED_AT.isNull())
            .and(B.EXPIRED_AT.isNull())
            .and(B.CANCELLING_AT.isNull()));

    private final Sql sql;

    BatchListing(Sql sql) {
        this.sql = sql;
    }

    List<Batch> list(ListBatchesFilter filter) {
        return sql.read("list batches", () -> {
            List<Condition> where = new ArrayList<>();
            where.add(B.DELETED_AT.isNull());
            if (filter.createdBy() != null) {
                where.add(B.CREATED_BY.eq(filter.createdBy()));
            }
            if (filter.apiKeyIds() != null) {
                where.add(filter.apiKeyIds().isEmpty() ? DSL.falseCondition() : B.API_KEY_ID.in(filter.apiKeyIds()));
            }
            if (filter.status() != null) {
                where.add(status(filter.status()));
            }
            if (filter.createdAfter() != null) {
                where.add(B.CREATED_AT.ge(filter.createdAfter()));
            }
            if (filter.createdBefore() != null) {
                where.add(B.CREATED_AT.le(filter.createdBefore()));
            }
            if (filter.search() != null && !filter.search().isEmpty()) {
                where.add(search(filter.search()));
            }
            if (filter.after() != null) {
                Record3<Boolean, java.time.Instant, Long> cursor = sql.dsl()
                        .select(ACTIVE, B.CREATED_AT, B.CREATED_SEQ).from(B).where(B.ID.eq(filter.after().value()))
                        .fetchOne();
                if (cursor == null) {
                    throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, filter.after());
                }
                where.add(filter.activeFirst()
                        ? DSL.row(ACTIVE, B.CREATED_AT, B.CREATED_SEQ).lt(cursor.value1(), cursor.value2(), cursor.value3())
                        : DSL.row(B.CREATED_AT, B.CREATED_SEQ).lt(cursor.value2(), cursor.value3()));
            }
            List<SortField<?>> order = filter.activeFirst()
                    ? List.of(ACTIVE.desc(), B.CREATED_AT.desc(), B.CREATED_SEQ.desc())
                    : List.of(B.CREATED_AT.desc(), B.CREATED_SEQ.desc());
            return sql.dsl().select(BatchRows.FIELDS)
                    .from(B).leftJoin(FILES).on(FILES.ID.eq(B.FILE_ID))
                    .where(where)
                    .orderBy(order)
                    .limit(filter.limit())
                    .fetch(BatchRows::batch);
        });
    }

    /** {@link BatchStatusFilter#matches} in SQL: timestamps only, never counts. */
    static Condition status(BatchStatusFilter filter) {
        return switch (filter) {
            case IN_PROGRESS -> B.COMPLETED_AT.isNull().and(B.FAILED_AT.isNull()).and(B.CANCELLED_AT.isNull())
                    .and(B.CANCELLING_AT.isNull()).and(B.EXPIRED_AT.isNull());
            case COMPLETED -> B.COMPLETED_AT.isNotNull();
            case FAILED -> B.FAILED_AT.isNotNull().and(B.COMPLETED_AT.isNull());
            case CANCELLED -> B.CANCELLED_AT.isNotNull().or(B.CANCELLING_AT.isNotNull());
            case EXPIRED -> B.EXPIRED_AT.isNotNull();
        };
    }

    /** Case-insensitive, literal substring of the batch id, a metadata value or the input file's name. */
    private static Condition search(String text) {
        Field<String> needle = Search.needle(text);
        Field<String> value = DSL.field(DSL.name("meta", "value"), String.class);
        // jsonb_each_text (metadata values, not keys or JSON syntax) has no jOOQ DSL form: a plain SQL
        // table template whose only argument is the column.
        return Search.contains(B.ID.cast(SQLDataType.VARCHAR), needle)
                .or(Search.contains(FILES.NAME, needle))
                .orExists(DSL.selectOne()
                        .from(DSL.table("jsonb_each_text({0})", B.METADATA).as("meta"))
                        .where(Search.contains(value, needle)));
    }
}
