package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.storage.postgres.tx.Transactions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for {@code persist}: concurrent callers enqueue their write and park; a writer thread
 * takes everything queued (up to {@link #MAX_GROUP}), writes it with one transaction of set-based
 * statements, and only after the commit hands each caller its own outcome.
 *
 * <p>Why: a daemon persists from hundreds of virtual threads at once, and one transaction per result
 * made the database round trips — not the work — the limit. A group costs the same few round trips
 * whatever its size, so throughput grows with concurrency while each caller still returns only after
 * its change is committed. Under light load a group is a single write, which costs no more round trips
 * than it did alone.
 *
 * <p>The contract of {@code persist} is kept per caller:
 * <ul>
 *   <li>a group never holds two writes of the same request: a later one waits in the queue, in arrival
 *       order, for the next group, so the guard sees them one after the other as before;</li>
 *   <li>if a group fails before its COMMIT, nothing of it was applied, and each caller writes its
 *       change again on its own (the single-request path), so one bad write cannot fail or wrongly
 *       acknowledge the others;</li>
 *   <li>if the COMMIT itself fails the outcome is unknown, exactly as for a single transaction, and
 *       every caller of the group gets the failure.</li>
 * </ul>
 * One writer: every result of a batch meets on its batch row anyway, so more writers mostly wait there,
 * split the groups and spend more database work per request (measured: neither a second writer nor a
 * separate lane for starts gained anything). It is started on demand and ends after a short idle spell,
 * so the queue needs no shutdown.
 */
final class PersistQueue {

    private static final Logger LOG = LoggerFactory.getLogger(PersistQueue.class);

    /** How long an idle writer waits for more work before it ends (saves a thread start per burst). */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Most writes per group: keeps each array bind and each transaction's lock set bounded. */
    static final int MAX_GROUP = 500;

    /** One caller's write; {@code values} as {@link GroupPersist#values} encodes it, on the caller's thread. */
    record Entry(UUID id, RequestStateKind next, Object[] values, CompletableFuture<Outcome> outcome) {
    }

    /** What became of an entry once its group ended. */
    sealed interface Outcome {
        /** Committed (or refused by the guard) with this result. */
        record Done(PersistResult result) implements Outcome {
        }

        /** Not written by the group; the caller writes it on its own (the single-request path). */
        record Alone() implements Outcome {
        }

        /** The group's COMMIT failed: whether it was applied is unknown. */
        record Failed(RuntimeException error) implements Outcome {
        }
    }

    /** Writes one group in one transaction and returns one outcome per entry, in order. */
    @FunctionalInterface
    interface GroupWriter {
        List<Outcome> write(List<Entry> group);
    }

    private final GroupWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** A writer thread is running (draining, or lingering for more work). */
    private boolean writing;
    private boolean idle;

    PersistQueue(GroupWriter writer) {
        this.writer = writer;
    }

    /** Enqueues the write and blocks until its group has ended. */
    Outcome submit(UUID id, RequestStateKind next, Object[] values) {
        Entry entry = new Entry(id, next, values, new CompletableFuture<>());
        boolean startWriter = false;
        lock.lock();
        try {
            queue.addLast(entry);
            if (idle) {
                work.signal();
            } else if (!writing) {
                writing = true;
                startWriter = true;
            }
        } finally {
            lock.unlock();
        }
        if (startWriter) {
            startWriter();
        }
        return await(entry.outcome());
    }

    /**
     * The writer is a platform thread: a group's statements are a chain of round trips, and a virtual
     * writer would wait behind every caller its previous group just woke (hundreds of them on a busy
     * daemon, on a scheduler with as many carriers as cores) each time the database answers. Daemon
     * threads, so an idle queue never keeps a JVM alive.
     */
    private void startWriter() {
        try {
            Thread.ofPlatform().daemon().name("salvo-pg-group-commit").start(this::drain);
        } catch (RuntimeException | Error e) {
            // The caller keeps the writer's place: drain() gives it back when the queue is empty.
            LOG.warn("Could not start a group-commit writer; writing on the caller's thread: {}", e.toString());
            drain();
        }
    }

    /** Writes waiting for a group (not those being written); for tests. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        while (true) {
            List<Entry> group;
            lock.lock();
            try {
                group = take();
                long linger = LINGER_NANOS;
                while (group.isEmpty()) {
                    if (linger <= 0) {
                        writing = false;
                        return;
                    }
                    idle = true;
                    try {
                        linger = work.awaitNanos(linger);
                    } catch (InterruptedException e) {
                        linger = 0;
                    } finally {
                        idle = false;
                    }
                    group = take();
                }
            } finally {
                lock.unlock();
            }
            write(group);
        }
    }

    /** Up to MAX_GROUP entries in arrival order, at most one per request; the rest keep their place. */
    private List<Entry> take() {
        List<Entry> group = new ArrayList<>(Math.min(queue.size(), MAX_GROUP));
        Set<UUID> ids = new HashSet<>();
        for (Iterator<Entry> it = queue.iterator(); it.hasNext() && group.size() < MAX_GROUP; ) {
            Entry entry = it.next();
            if (ids.add(entry.id())) {
                group.add(entry);
                it.remove();
            }
        }
        return group;
    }

    /** Never throws: every entry of the group is completed, whatever happens. */
    private void write(List<Entry> group) {
        List<Outcome> outcomes = null;
        Throwable failure = null;
        try {
            outcomes = writer.write(group);
            if (outcomes.size() != group.size()) {
                throw new IllegalStateException(outcomes.size() + " outcomes for " + group.size() + " writes");
            }
        } catch (Throwable e) {
            failure = e;
            outcomes = null;
        }
        Outcome instead = failure == null ? null : afterFailure(failure, group.size());
        for (int i = 0; i < group.size(); i++) {
            group.get(i).outcome().complete(outcomes != null ? outcomes.get(i) : instead);
        }
    }

    private static Outcome afterFailure(Throwable failure, int size) {
        if (commitFailed(failure)) {
            return new Outcome.Failed(failure instanceof RuntimeException r ? r
                    : new BatchStorageException.Backend("persist failed", failure));
        }
        // Rolled back: nothing of the group was applied, so each write may simply be made again alone.
        LOG.debug("Group of {} writes rolled back ({}); writing them one by one", size, failure.toString());
        return new Outcome.Alone();
    }

    private static boolean commitFailed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Transactions.CommitFailed) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits out an interrupt: once enqueued, the write may commit at any moment, and the caller must
     * learn how it ended. The interrupt is restored for the caller's next blocking call.
     */
    private static Outcome await(CompletableFuture<Outcome> outcome) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("group commit outcomes are never exceptional", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
