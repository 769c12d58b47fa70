package dev.salvo.bench;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.storage.filesystem.batch.FilesystemBatchStorage;
import dev.salvo.storage.memory.batch.MemoryBatchStorage;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.batch.PostgresBatchStorage;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.time.Clock;
import java.util.List;

/** Opens each adapter the bench knows, fresh and empty. */
final class BenchBackends {

    static final List<String> NAMES = List.of("memory", "filesystem", "postgres");

    private static final java.util.Map<BenchBackend, javax.sql.DataSource> DATA_SOURCES = new java.util.IdentityHashMap<>();

    private BenchBackends() {
    }

    /** The connection pool behind a postgres backend, for the raw-SQL baseline. */
    static javax.sql.DataSource dataSource(BenchBackend backend) {
        return DATA_SOURCES.get(backend);
    }

    static BenchBackend open(String name) throws Exception {
        Clock clock = Clock.systemUTC();
        return switch (name) {
            case "memory" -> simple(name, new MemoryBatchStorage(clock), clock, () -> { });
            case "filesystem" -> {
                Path dir = Files.createTempDirectory("salvo-bench-");
                FilesystemBatchStorage store = FilesystemBatchStorage.open(dir, clock);
                yield simple(name, store, clock, () -> {
                    store.close();
                    deleteTree(dir);
                });
            }
            case "postgres" -> {
                TestDatabase database = PostgresTestServer.get().createDatabase();
                PostgresDatabase pool = database.open(16);
                BenchBackend backend = simple(name, new PostgresBatchStorage(pool.dsl(), clock), clock, pool::close);
                DATA_SOURCES.put(backend, pool.dataSource());
                yield backend;
            }
            default -> throw new IllegalArgumentException("unknown adapter " + name + "; known: " + NAMES);
        };
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
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
