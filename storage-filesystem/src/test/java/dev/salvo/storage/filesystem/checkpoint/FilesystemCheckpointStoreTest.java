package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.checkpoint.CheckpointStoreContract;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.storage.filesystem.TestDirectories;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

class FilesystemCheckpointStoreTest extends CheckpointStoreContract {

    private final Map<CheckpointStore, Path> directories = new IdentityHashMap<>();

    @Override
    protected CheckpointStore newStore(MutableClock clock) {
        return openOn(TestDirectories.create("salvo-checkpoints-"));
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE);
    }

    @Override
    protected CheckpointStore reopen(CheckpointStore current) {
        Path directory = directories.remove(current);
        ((FilesystemCheckpointStore) current).close();
        return openOn(directory);
    }

    @Override
    protected void close(CheckpointStore current) throws Exception {
        super.close(current);
        Path directory = directories.remove(current);
        if (directory != null) {
            TestDirectories.deleteRecursively(directory);
        }
    }

    private CheckpointStore openOn(Path directory) {
        FilesystemCheckpointStore store = FilesystemCheckpointStore.open(directory);
        directories.put(store, directory);
        return store;
    }
}
