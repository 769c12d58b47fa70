package dev.salvo.bench;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import java.time.Clock;
import java.util.List;

/** Opens each adapter the bench knows, fresh and empty. */
final class BenchBackends {

    static final List<String> NAMES = List.of("memory");

    private BenchBackends() {
    }

    static BenchBackend open(String name) throws Exception {
        Clock clock = Clock.systemUTC();
        return switch (name) {
            case "memory" -> simple(name, new MemoryBatchStorage(clock), clock, () -> { });
            default -> throw new IllegalArgumentException("unknown adapter " + name + "; known: " + NAMES);
        };
    }

    static BenchBackend simple(String name, BatchStorage storage, Clock clock, AutoCloseable onClose) {
        return new BenchBackend() {
            public String name() {
                return name;
            }

            public BatchStorage storage() {
                return storage;
            }

            public Clock clock() {
                return clock;
            }

            public void close() throws Exception {
                onClose.close();
            }
        };
    }
}
