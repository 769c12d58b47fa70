package dev.salvo.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one task on N platform threads that all start at the same moment (a barrier), waits for all of
 * them and rethrows the first failure, so a race shows up as a failing assertion rather than a hang.
 */
public final class Concurrently {

    /** Generous: this bounds a broken adapter's deadlock, it is not a speed assertion. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @FunctionalInterface
    public interface Worker {
        void run(int workerIndex) throws Exception;
    }

    private Concurrently() {
    }

    public static void run(int threads, Worker worker) {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    worker.run(index);
                    return null;
                }));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError("worker failed", cause);
        } catch (TimeoutException e) {
            throw new AssertionError("workers did not finish within " + TIMEOUT + " (deadlock?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
