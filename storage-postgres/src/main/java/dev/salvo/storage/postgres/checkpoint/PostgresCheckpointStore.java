package dev.salvo.storage.postgres.checkpoint;

import static dev.salvo.storage.postgres.jooq.Tables.CHECKPOINTS;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
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
 * {@link CheckpointStore} on PostgreSQL: one row per checkpoint in {@code checkpoints}, keyed by
 * {@code (owner, thread_id, id)}.
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

    /** The rows of one thread in {@code table} (the main table or an alias of it). */
    private static Condition inThread(Checkpoints table, ThreadKey thread) {
        return table.OWNER.eq(thread.owner()).and(table.THREAD_ID.eq(thread.threadId()));
    }

    @Override
    public String save(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(thread, metadata, state);
        JSONB custom = CustomMetadataJson.encode(metadata.custom());
        int inserted = run("save checkpoint " + metadata.id() + " in " + describe(thread),
                () -> Transactions.run(dsl, t -> {
                    lockThread(t, thread);
                    return insertAsNext(t, thread, metadata, custom, state);
                }));
        if (inserted == 0) {
            throw new CheckpointException.Conflict(thread, metadata.id());
        }
        return metadata.id();
    }

    /**
     * Blocks until no other transaction holds the thread's lock; released by commit or rollback. The key
     * hashes {@code owner:thread}, which is unambiguous because owners contain no {@code :}.
     */
    private static void lockThread(DSLContext tx, ThreadKey thread) {
        Field<Long> key = DSL.function("hashtextextended", SQLDataType.BIGINT,
                DSL.val(thread.owner() + ":" + thread.threadId()), DSL.inline(THREAD_LOCK_SEED));
        tx.select(DSL.function("pg_advisory_xact_lock", SQLDataType.OTHER, key)).fetch();
    }

    /**
     * Inserts the row with the thread's next sequence. Must be its own statement after
     * {@link #lockThread}: under READ COMMITTED each statement sees what was committed before it began,
     * so only a statement that starts once the lock is granted sees the previous holder's row.
     * A duplicate id inserts nothing (0 rows) instead of raising, so nothing is logged as an error.
     */
    private static int insertAsNext(DSLContext tx, ThreadKey thread, CheckpointMetadata m, JSONB custom, byte[] state) {
        Checkpoints existing = CP.as("existing");
        Field<Long> nextSequence = DSL.field(DSL
                .select(DSL.coalesce(DSL.max(existing.SEQ), DSL.inline(0L)).plus(DSL.inline(1L)))
                .from(existing)
                .where(inThread(existing, thread)));
        return tx.insertInto(CP)
                .set(CP.OWNER, thread.owner())
                .set(CP.THREAD_ID, thread.threadId())
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
    public Checkpoint load(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        Record row = run("load checkpoint " + checkpointId + " of " + describe(thread),
                () -> probe(thread, List.of(checkpointId), CheckpointRows.METADATA_AND_STATE).getFirst());
        if (row.get(CP.ID) == null) {
            if (!row.get(THREAD_EXISTS)) {
                throw CheckpointException.NotFound.thread(thread);
            }
            throw CheckpointException.NotFound.checkpoint(thread, checkpointId);
        }
        return CheckpointRows.checkpoint(row);
    }

    @Override
    public Checkpoint loadLatest(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        Record row = run("load the latest checkpoint of " + describe(thread),
                () -> dsl.select(CheckpointRows.METADATA_AND_STATE)
                        .from(CP)
                        .where(inThread(CP, thread))
                        .orderBy(CP.SEQ.desc())
                        .limit(1)
                        .fetchOne());
        if (row == null) {
            throw CheckpointException.NotFound.thread(thread);
        }
        return CheckpointRows.checkpoint(row);
    }

    @Override
    public List<CheckpointMetadata> list(ThreadKey thread, ListOptions options) {
        CheckpointSaveRules.validateList(thread, options);
        return run("list checkpoints of " + describe(thread), () -> page(thread, options));
    }

    private List<CheckpointMetadata> page(ThreadKey thread, ListOptions options) {
        Condition where = inThread(CP, thread);
        List<String> cursors = Stream.of(options.beforeId(), options.afterId()).filter(Objects::nonNull).toList();
        if (!cursors.isEmpty()) {
            Result<Record> found = probe(thread, cursors, List.of(CP.ID, CP.SEQ));
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
                where = where.and(CP.SEQ.lt(cursorSequence(thread, options.beforeId(), sequenceById)));
            }
            if (options.afterId() != null) {
                where = where.and(CP.SEQ.gt(cursorSequence(thread, options.afterId(), sequenceById)));
            }
        }
        SelectLimitStep<Record> query = dsl.select(CheckpointRows.METADATA)
                .from(CP)
                .where(where)
                .orderBy(options.descending() ? CP.SEQ.desc() : CP.SEQ.asc());
        Result<Record> rows = options.limit() == ListOptions.UNLIMITED ? query.fetch() : query.limit(options.limit()).fetch();
        return rows.map(CheckpointRows::metadata);
    }

    private static long cursorSequence(ThreadKey thread, String cursorId, Map<String, Long> sequenceById) {
        Long sequence = sequenceById.get(cursorId);
        if (sequence == null) {
            throw CheckpointException.NotFound.checkpoint(thread, cursorId);
        }
        return sequence;
    }

    /**
     * Looks checkpoints up by id and, in the same statement, whether the thread has any checkpoint,
     * so a miss is told apart (NotFound of the checkpoint or of the thread) without a second round trip.
     * Returns one row per match, or a single row with null columns and {@code thread_exists} when none matched.
     */
    private Result<Record> probe(ThreadKey thread, Collection<String> ids, List<Field<?>> fields) {
        Checkpoints any = CP.as("any_checkpoint");
        Field<Boolean> threadExists = DSL.field(DSL.exists(DSL.selectOne().from(any).where(inThread(any, thread))))
                .as(THREAD_EXISTS);
        return dsl.select(fields)
                .select(threadExists)
                .from(DSL.selectOne().asTable("probe"))
                .leftJoin(CP).on(inThread(CP, thread).and(CP.ID.in(ids)))
                .fetch();
    }

    @Override
    public void delete(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        run("delete checkpoint " + checkpointId + " of " + describe(thread),
                () -> dsl.deleteFrom(CP).where(inThread(CP, thread)).and(CP.ID.eq(checkpointId)).execute());
    }

    @Override
    public void deleteThread(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        run("delete " + describe(thread), () -> dsl.deleteFrom(CP).where(inThread(CP, thread)).execute());
    }

    @Override
    public long count(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        return run("count checkpoints of " + describe(thread), () -> (long) dsl.fetchCount(CP, inThread(CP, thread)));
    }

    /**
     * One keyset page from the primary key's leading {@code (owner, thread_id)}: the owner's thread ids
     * after the cursor, in byte order ({@code collate "C"}, which is String.compareTo order for the ASCII
     * ids the domain allows, whatever the database's locale). GROUP BY rather than DISTINCT because
     * PostgreSQL rejects an ORDER BY expression (the collated column) that is not in a DISTINCT select
     * list; the result is the same.
     */
    @Override
    public List<String> listThreads(String owner, ThreadListOptions options) {
        CheckpointSaveRules.validateListThreads(owner, options);
        Condition where = CP.OWNER.eq(owner);
        if (options.afterThreadId() != null) {
            // thread_id's own collation is "C", so the comparison is in byte order and uses the index.
            where = where.and(CP.THREAD_ID.gt(options.afterThreadId()));
        }
        Condition condition = where;
        return run("list the threads of owner " + owner, () -> listThreadIds(condition, options.limit()));
    }

    private List<String> listThreadIds(Condition where, int limit) {
        var query = dsl.select(CP.THREAD_ID)
                .from(CP)
                .where(where)
                .groupBy(CP.THREAD_ID)
                .orderBy(CP.THREAD_ID.collate("C"));
        return limit == ThreadListOptions.UNLIMITED ? query.fetch(CP.THREAD_ID) : query.limit(limit).fetch(CP.THREAD_ID);
    }

    /** One DELETE: rows at or below the (keepLatest + 1)-th newest sequence; none if there are fewer rows. */
    @Override
    public long prune(ThreadKey thread, int keepLatest) {
        CheckpointSaveRules.validatePrune(thread, keepLatest);
        Checkpoints newer = CP.as("newer");
        return run("prune " + describe(thread),
                () -> (long) dsl.deleteFrom(CP)
                        .where(inThread(CP, thread))
                        .and(CP.SEQ.le(DSL.select(newer.SEQ)
                                .from(newer)
                                .where(inThread(newer, thread))
                                .orderBy(newer.SEQ.desc())
                                .offset(keepLatest)
                                .limit(1)))
                        .execute());
    }

    private static String describe(ThreadKey thread) {
        return "thread " + thread.threadId() + " of owner " + thread.owner();
    }

    private static <T> T run(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            throw new CheckpointException.Backend(action + " failed", e);
        }
    }
}
