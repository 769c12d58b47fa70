package dev.salvo.storage.postgres.checkpoint;

import static dev.salvo.storage.postgres.jooq.Tables.CHECKPOINTS;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.storage.postgres.jooq.Keys;
import dev.salvo.storage.postgres.jooq.tables.Checkpoints;
import dev.salvo.storage.postgres.tx.Transactions;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SelectLimitStep;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@link CheckpointStore} on PostgreSQL: one row per checkpoint in {@code checkpoints}.
 *
 * <p>Sequences are assigned as {@code max(seq) + 1} inside the saving transaction while it holds a
 * transaction-scoped advisory lock on the thread, so saves to one thread from any number of
 * connections, pools or processes queue up and get distinct, gap-free sequences, while saves to
 * different threads run in parallel. Every other operation is a single statement, except a listing
 * with a cursor, which first resolves the cursor ids to sequences.
 *
 * <p>The store does not own its connections: whoever opened the {@code PostgresDatabase} closes it.
 */
public final class PostgresCheckpointStore implements CheckpointStore {

    /**
     * Seed of {@code hashtextextended} for thread lock keys. A fixed, checkpoint-specific seed keeps
     * these keys apart from advisory locks other Salvo tables take on their own ids; a collision would
     * only make two threads' saves wait for each other, never break correctness.
     */
    private static final long THREAD_LOCK_SEED = 0x5A1_0C4EC_0001L;

    private static final Checkpoints CP = CHECKPOINTS;
    private static final Field<Boolean> THREAD_EXISTS = DSL.field(DSL.name("thread_exists"), SQLDataType.BOOLEAN);

    private final DSLContext dsl;

    public PostgresCheckpointStore(DSLContext dsl) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
    }

    @Override
    public String save(String threadId, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(threadId, metadata, state);
        JSONB custom = CustomMetadataJson.encode(metadata.custom());
        int inserted = run("save checkpoint " + metadata.id() + " in thread " + threadId,
                () -> Transactions.run(dsl, t -> {
                    lockThread(t, threadId);
                    return insertAsNext(t, metadata, custom, state);
                }));
        if (inserted == 0) {
            throw new InvalidState(Reason.DUPLICATE_ID, "thread " + threadId + " already has checkpoint " + metadata.id());
        }
        return metadata.id();
    }

    /** Blocks until no other transaction holds the thread's lock; released by commit or rollback. */
    private static void lockThread(DSLContext tx, String threadId) {
        Field<Long> key = DSL.function("hashtextextended", SQLDataType.BIGINT, DSL.val(threadId), DSL.inline(THREAD_LOCK_SEED));
        tx.select(DSL.function("pg_advisory_xact_lock", SQLDataType.OTHER, key)).fetch();
    }

    /**
     * Inserts the row with the thread's next sequence. Must be its own statement after
     * {@link #lockThread}: under READ COMMITTED each statement sees what was committed before it began,
     * so only a statement that starts once the lock is granted sees the previous holder's row.
     * A duplicate id inserts nothing (0 rows) instead of raising, so nothing is logged as an error.
     */
    private static int insertAsNext(DSLContext tx, CheckpointMetadata m, JSONB custom, byte[] state) {
        Checkpoints existing = CP.as("existing");
        Field<Long> nextSequence = DSL.field(DSL
                .select(DSL.coalesce(DSL.max(existing.SEQ), DSL.inline(0L)).plus(DSL.inline(1L)))
                .from(existing)
                .where(existing.THREAD_ID.eq(m.threadId())));
        return tx.insertInto(CP)
                .set(CP.THREAD_ID, m.threadId())
                .set(CP.SEQ, nextSequence)
                .set(CP.ID, m.id())
                .set(CP.PARENT_ID, m.parentId())
                .set(CP.STEP, m.step())
                .set(CP.CREATED_AT, m.createdAt())
                .set(CP.LABEL, m.label())
                .set(CP.TAGS, m.tags().toArray(String[]::new))
                .set(CP.STATE_SIZE, (long) state.length)
                .set(CP.CUSTOM, custom)
                .set(CP.STATE, state)
                .onConflictOnConstraint(Keys.CHECKPOINTS_PKEY)
                .doNothing()
                .execute();
    }

    @Override
    public Checkpoint load(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        Record row = run("load checkpoint " + checkpointId + " of thread " + threadId,
                () -> probe(threadId, List.of(checkpointId), CheckpointRows.METADATA_AND_STATE).getFirst());
        if (row.get(CP.ID) == null) {
            if (!row.get(THREAD_EXISTS)) {
                throw new CheckpointException.ThreadNotFound(threadId);
            }
            throw new CheckpointException.NotFound(threadId, checkpointId);
        }
        return CheckpointRows.checkpoint(row);
    }

    @Override
    public Checkpoint loadLatest(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        Record row = run("load the latest checkpoint of thread " + threadId,
                () -> dsl.select(CheckpointRows.METADATA_AND_STATE)
                        .from(CP)
                        .where(CP.THREAD_ID.eq(threadId))
                        .orderBy(CP.SEQ.desc())
                        .limit(1)
                        .fetchOne());
        if (row == null) {
            throw new CheckpointException.ThreadNotFound(threadId);
        }
        return CheckpointRows.checkpoint(row);
    }

    @Override
    public List<CheckpointMetadata> list(String threadId, ListOptions options) {
        CheckpointIds.requireValidThreadId(threadId);
        Objects.requireNonNull(options, "options");
        return run("list checkpoints of thread " + threadId, () -> page(threadId, options));
    }

    private List<CheckpointMetadata> page(String threadId, ListOptions options) {
        Condition where = CP.THREAD_ID.eq(threadId);
        List<String> cursors = Stream.of(options.beforeId(), options.afterId()).filter(Objects::nonNull).toList();
        if (!cursors.isEmpty()) {
            Result<Record> found = probe(threadId, cursors, List.of(CP.ID, CP.SEQ));
            if (!found.getFirst().get(THREAD_EXISTS)) {
                return List.of();
            }
            Map<String, Long> sequenceById = new HashMap<>();
            found.forEach(r -> {
                if (r.get(CP.ID) != null) {
                    sequenceById.put(r.get(CP.ID), r.get(CP.SEQ));
                }
            });
            if (options.beforeId() != null) {
                where = where.and(CP.SEQ.lt(cursorSequence(threadId, options.beforeId(), sequenceById)));
            }
            if (options.afterId() != null) {
                where = where.and(CP.SEQ.gt(cursorSequence(threadId, options.afterId(), sequenceById)));
            }
        }
        SelectLimitStep<Record> query = dsl.select(CheckpointRows.METADATA)
                .from(CP)
                .where(where)
                .orderBy(options.descending() ? CP.SEQ.desc() : CP.SEQ.asc());
        Result<Record> rows = options.limit() == ListOptions.UNLIMITED ? query.fetch() : query.limit(options.limit()).fetch();
        return rows.map(CheckpointRows::metadata);
    }

    private static long cursorSequence(String threadId, String cursorId, Map<String, Long> sequenceById) {
        Long sequence = sequenceById.get(cursorId);
        if (sequence == null) {
            throw new CheckpointException.NotFound(threadId, cursorId);
        }
        return sequence;
    }

    /**
     * Looks checkpoints up by id and, in the same statement, whether the thread has any checkpoint,
     * so a miss is told apart (NotFound or ThreadNotFound) without a second round trip. Returns one
     * row per match, or a single row with null columns and {@code thread_exists} when none matched.
     */
    private Result<Record> probe(String threadId, Collection<String> ids, List<Field<?>> fields) {
        Checkpoints any = CP.as("any_checkpoint");
        Field<Boolean> threadExists = DSL.field(DSL.exists(DSL.selectOne().from(any).where(any.THREAD_ID.eq(threadId))))
                .as(THREAD_EXISTS);
        return dsl.select(fields)
                .select(threadExists)
                .from(DSL.selectOne().asTable("probe"))
                .leftJoin(CP).on(CP.THREAD_ID.eq(threadId).and(CP.ID.in(ids)))
                .fetch();
    }

    @Override
    public void delete(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        run("delete checkpoint " + checkpointId + " of thread " + threadId,
                () -> dsl.deleteFrom(CP).where(CP.THREAD_ID.eq(threadId)).and(CP.ID.eq(checkpointId)).execute());
    }

    @Override
    public void deleteThread(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        run("delete thread " + threadId, () -> dsl.deleteFrom(CP).where(CP.THREAD_ID.eq(threadId)).execute());
    }

    @Override
    public long count(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        return run("count checkpoints of thread " + threadId, () -> (long) dsl.fetchCount(CP, CP.THREAD_ID.eq(threadId)));
    }

    /**
     * Byte order ({@code collate "C"}) is String.compareTo order for the ASCII ids the domain allows,
     * whatever the database's locale. GROUP BY rather than DISTINCT because PostgreSQL rejects an ORDER
     * BY expression (the collated column) that is not in a DISTINCT select list; the result is the same.
     */
    @Override
    public List<String> listThreads() {
        return run("list threads",
                () -> dsl.select(CP.THREAD_ID)
                        .from(CP)
                        .groupBy(CP.THREAD_ID)
                        .orderBy(CP.THREAD_ID.collate("C"))
                        .fetch(CP.THREAD_ID));
    }

    /** One DELETE: rows at or below the (keepLatest + 1)-th newest sequence; none if there are fewer rows. */
    @Override
    public long prune(String threadId, int keepLatest) {
        CheckpointSaveRules.validatePrune(threadId, keepLatest);
        Checkpoints newer = CP.as("newer");
        return run("prune thread " + threadId,
                () -> (long) dsl.deleteFrom(CP)
                        .where(CP.THREAD_ID.eq(threadId))
                        .and(CP.SEQ.le(DSL.select(newer.SEQ)
                                .from(newer)
                                .where(newer.THREAD_ID.eq(threadId))
                                .orderBy(newer.SEQ.desc())
                                .offset(keepLatest)
                                .limit(1)))
                        .execute());
    }

    private static <T> T run(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw new CheckpointException.Storage(action + " failed", e);
        }
    }
}
