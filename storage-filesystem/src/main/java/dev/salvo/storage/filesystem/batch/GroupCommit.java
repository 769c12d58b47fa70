package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchStorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes appended records durable in groups. Every change submits its writes and gets a sequence number,
 * then waits until that number is durable. One flusher thread takes everything submitted so far, writes
 * it (one write per file), forces each touched file once and wakes every waiter of the group at once;
 * while it waits for the disk the next group accumulates. Under load many changes share one fsync, yet
 * nobody returns before its own records are on disk.
 *
 * <p>Writes submitted as not urgent (claims and starts, see {@link Tx#needsDurability}) do not start a
 * group by themselves: they ride along with the next urgent group, or are written and forced on their own
 * at most {@link #LAZY_MAX_NANOS} after they were queued. Either way they are durable within one
 * group-commit interval, and since a group is written in reservation order and forced as a whole, nothing
 * reserved later is durable before them.
 *
 * <p>An I/O failure leaves memory ahead of the disk in an unknown way, so it is fatal: the store refuses
 * all later work (fail-stop) and must be reopened, which rebuilds memory from what the disk holds.
 */
final class GroupCommit implements AutoCloseable {

    /** The longest the flusher waits for a group to fill: well under one fsync on any disk worth using. */
    private static final long MAX_GATHER_NANOS = 200_000;
    private static final long MIN_GATHER_NANOS = 50_000;
    /** The longest a non-urgent write waits in the queue for an urgent group to carry it. */
    static final long LAZY_MAX_NANOS = 5_000_000;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition flushed = lock.newCondition();
    private final Thread flusher;
    private List<AppendFile.PendingWrite> queue = new ArrayList<>();
    private long submitted;
    private long taken;
    private long lastGroupSize = 1;
    private long lastFlushNanos;
    private long durable;
    /** The highest sequence someone waits for (or submitted as urgent). */
    private long demanded;
    private long urgentSubmitted;
    private long urgentTaken;
    /** When the oldest queued non-urgent write was queued; meaningless while {@link #lazyQueued} is false. */
    private long lazySince;
    private boolean lazyQueued;
    private volatile Throwable failure;
    private boolean stopping;

    GroupCommit(String name) {
        flusher = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
        flusher.start();
    }

    /**
     * Queues writes whose space was reserved; call under the lock that reserved them, in reservation order.
     * An urgent submission starts a group as soon as the flusher is free; a non-urgent one waits to be
     * carried by the next urgent group, at most {@link #LAZY_MAX_NANOS}.
     */
    long submit(List<AppendFile.PendingWrite> writes, boolean urgent) {
        lock.lock();
        try {
            queue.addAll(writes);
            submitted++;
            if (urgent) {
                urgentSubmitted++;
                demanded = submitted;
                work.signal();
            } else if (!lazyQueued) {
                lazyQueued = true;
                lazySince = System.nanoTime();
                work.signal(); // so the flusher starts the lazy deadline
            }
            return submitted;
        } finally {
            lock.unlock();
        }
    }

    long lastSubmitted() {
        lock.lock();
        try {
            return submitted;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once every write submitted up to {@code sequence} is on disk. */
    void awaitDurable(long sequence) {
        lock.lock();
        try {
            if (demanded < sequence) {
                demanded = sequence; // what was queued lazily is now awaited: flush it with the next group
                work.signal();
            }
            while (durable < sequence && failure == null) {
                if (stopping && queue.isEmpty() && !flusher.isAlive()) {
                    break;
                }
                flushed.awaitUninterruptibly();
            }
            if (durable < sequence) {
                throw broken();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Everything submitted so far, durable. */
    void flushAll() {
        awaitDurable(lastSubmitted());
    }

    /** Declares the store broken: memory was changed by an operation that could not be recorded. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            flushed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether no write has failed; lock-free reads check it so that a broken store stops answering them too. */
    boolean healthy() {
        return failure == null;
    }

    void checkHealthy() {
        if (failure != null) {
            throw broken();
        }
    }

    private BatchStorageException.Backend broken() {
        Throwable failed = failure;
        return new BatchStorageException.Backend(failed == null ? "the batch store is closed"
                : "an earlier write to the batch store failed; reopen the store to recover: " + failed.getMessage(), failed);
    }

    /** Writes what is queued, then stops the flusher. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            List<AppendFile.PendingWrite> group;
            long upTo;
            lock.lock();
            try {
                while (failure == null) {
                    if (queue.isEmpty()) {
                        if (stopping) {
                            break;
                        }
                        work.awaitUninterruptibly();
                    } else if (demanded > taken || stopping) {
                        break;
                    } else {
                        long left = lazySince + LAZY_MAX_NANOS - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            work.awaitNanos(left);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                if (failure != null || queue.isEmpty()) {
                    flushed.signalAll();
                    return;
                }
                gather();
                group = queue;
                queue = new ArrayList<>();
                upTo = submitted;
                if (urgentSubmitted > urgentTaken) {
                    lastGroupSize = urgentSubmitted - urgentTaken;
                }
                urgentTaken = urgentSubmitted;
                taken = submitted;
                lazyQueued = false;
            } finally {
                lock.unlock();
            }
            try {
                long start = System.nanoTime();
                writeAndForce(group);
                lastFlushNanos = System.nanoTime() - start;
            } catch (IOException | RuntimeException | Error e) {
                fail(e);
                return;
            }
            lock.lock();
            try {
                durable = upTo;
                flushed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits briefly for the writers of the last group to come back before forcing: right after a group
     * is released its writers are still busy preparing their next change, and forcing for the first of
     * them alone would split the next group in two. The wait is at most a quarter of the last fsync (so
     * it vanishes on fast disks) and ends as soon as the group is as large as the previous one.
     */
    private void gather() {
        long budget = Math.min(MAX_GATHER_NANOS, lastFlushNanos / 4);
        if (budget < MIN_GATHER_NANOS) {
            return; // a fast disk: timed waits this short would oversleep (timer slack) and cost more than they save
        }
        long deadline = System.nanoTime() + budget;
        while (urgentSubmitted - urgentTaken < lastGroupSize && !stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                work.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void writeAndForce(List<AppendFile.PendingWrite> group) throws IOException {
        Map<AppendFile, List<AppendFile.PendingWrite>> byFile = new IdentityHashMap<>();
        for (AppendFile.PendingWrite write : group) {
            byFile.computeIfAbsent(write.file(), f -> new ArrayList<>()).add(write);
        }
        for (Map.Entry<AppendFile, List<AppendFile.PendingWrite>> entry : byFile.entrySet()) {
            AppendFile file = entry.getKey();
            List<AppendFile.PendingWrite> writes = entry.getValue();
            writes.sort(Comparator.comparingLong(AppendFile.PendingWrite::position));
            // Reservations are contiguous, so one group is one sequential write per file.
            long start = writes.get(0).position();
            if (writes.size() == 1) {
                file.write(start, ByteBuffer.wrap(writes.get(0).bytes()));
            } else {
                int total = 0;
                for (AppendFile.PendingWrite write : writes) {
                    total += write.bytes().length;
                }
                ByteBuffer buffer = ByteBuffer.allocate(total);
                long expected = start;
                for (AppendFile.PendingWrite write : writes) {
                    if (write.position() != expected) {
                        file.write(start, buffer.flip());
                        buffer.clear();
                        start = write.position();
                    }
                    buffer.put(write.bytes());
                    expected = write.position() + write.bytes().length;
                }
                file.write(start, buffer.flip());
            }
        }
        for (Map.Entry<AppendFile, List<AppendFile.PendingWrite>> entry : byFile.entrySet()) {
            entry.getKey().force();
            List<AppendFile.PendingWrite> writes = entry.getValue();
            AppendFile.PendingWrite last = writes.get(writes.size() - 1);
            entry.getKey().markWritten(last.position() + last.bytes().length);
        }
    }
}
