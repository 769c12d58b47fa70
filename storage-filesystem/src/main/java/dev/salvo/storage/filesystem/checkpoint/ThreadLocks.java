package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.ThreadKey;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A fixed set of read-write locks that thread keys (owner and thread id) hash onto: saves to one thread serialise, work on
 * different threads mostly runs in parallel, and no lock object has to be created or reclaimed per
 * thread id (which a map of per-thread locks would need, racing against deletes).
 */
final class ThreadLocks {

    private final ReentrantReadWriteLock[] stripes;

    ThreadLocks(int stripeCount) {
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two, was " + stripeCount);
        }
        stripes = new ReentrantReadWriteLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    ReadWriteLock forThread(ThreadKey thread) {
        int hash = thread.hashCode();
        // As HashMap does: let the high bits count too, since the mask keeps only a few low ones.
        return stripes[(hash ^ (hash >>> 16)) & (stripes.length - 1)];
    }

    /** Waits for every operation in progress and holds off new ones until {@link #unlockAll}. */
    void lockAll() {
        for (ReentrantReadWriteLock stripe : stripes) {
            stripe.writeLock().lock();
        }
    }

    void unlockAll() {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].writeLock().unlock();
        }
    }
}
