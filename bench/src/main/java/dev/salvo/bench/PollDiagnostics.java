package dev.salvo.bench;

import dev.salvo.core.batch.BatchStorage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * What the poll scenario prints with {@code -Dsalvo.bench.trace=true}, to tell where a slow poll spent its
 * time: inside the store's {@code getBatch} (as the API calls it) or around it, and whether a read ever
 * waited for a pooled connection.
 */
final class PollDiagnostics {

    private PollDiagnostics() {
    }

    /** Times every {@code getBatch} the API makes through {@link #proxy()}. */
    static final class TimedReads {

        private final BatchStorage storage;
        private final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();

        TimedReads(BatchStorage storage) {
            this.storage = storage;
        }

        BatchStorage proxy() {
            return (BatchStorage) Proxy.newProxyInstance(BatchStorage.class.getClassLoader(), new Class<?>[] {BatchStorage.class},
                    (proxy, method, args) -> {
                        long start = System.nanoTime();
                        try {
                            return method.invoke(storage, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            if (method.getName().equals("getBatch")) {
                                nanos.add(System.nanoTime() - start);
                            }
                        }
                    });
        }

        void print() {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length > 0) {
                System.out.printf("  storage.getBatch inside the API: n=%d p50 %.1f ms p99 %.1f ms max %.1f ms%n", sorted.length,
                        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
            }
        }
    }

    /** Samples a Hikari pool every 2 ms until {@code done}, then prints how often a thread waited. */
    static void samplePool(DataSource pool, BooleanSupplier done) {
        if (!(pool instanceof com.zaxxer.hikari.HikariDataSource hikari)) {
            return;
        }
        Thread.ofPlatform().daemon().name("pool-sampler").start(() -> {
            long samples = 0;
            long withWaiters = 0;
            int mostWaiting = 0;
            int mostActive = 0;
            while (!done.getAsBoolean()) {
                var pool1 = hikari.getHikariPoolMXBean();
                samples++;
                int waiting = pool1.getThreadsAwaitingConnection();
                withWaiters += waiting > 0 ? 1 : 0;
                mostWaiting = Math.max(mostWaiting, waiting);
                mostActive = Math.max(mostActive, pool1.getActiveConnections());
                LockSupport.parkNanos(2_000_000);
            }
            System.out.printf("  pool: %d samples, a thread waiting in %d, at most %d waiting, at most %d connections busy%n",
                    samples, withWaiters, mostWaiting, mostActive);
        });
    }
}
