package dev.salvo.storage.filesystem.batch;

import dev.salvo.conformance.batch.BatchStores;
import dev.salvo.storage.filesystem.TestDirectories;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the store for the contract tests: a fresh directory per test, removed when the test closes the store. */
final class FilesystemBatchStores {

    private FilesystemBatchStores() {
    }

    /** The resource the contract closes after a test: the store, then its directory. */
    record Handle(FilesystemBatchStorage store, Path directory) implements AutoCloseable {
        @Override
        public void close() {
            try {
                store.close();
            } finally {
                TestDirectories.deleteRecursively(directory);
            }
        }
    }

    static BatchStores fresh(Clock clock) {
        return openOn(TestDirectories.create("salvo-batch-"), clock);
    }

    /** Closes the current store (keeping its directory) and opens a new one over the same data. */
    static BatchStores reopen(BatchStores current, Clock clock) {
        Handle handle = (Handle) current.resource();
        handle.store().close();
        return openOn(handle.directory(), clock);
    }

    private static BatchStores openOn(Path directory, Clock clock) {
        FilesystemBatchStorage store = FilesystemBatchStorage.open(directory, clock);
        return new BatchStores(store, store, new Handle(store, directory));
    }
}
