package dev.salvo.daemon;

import dev.salvo.storage.filesystem.batch.FilesystemBatchStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

class FilesystemDaemonEndToEndTest extends DaemonEndToEndContract {

    @Override
    protected BatchAndDaemonStorage openStorage() throws Exception {
        Path dir = Files.createTempDirectory("salvo-daemon-e2e-");
        FilesystemBatchStorage storage = FilesystemBatchStorage.open(dir, clock);
        return new BatchAndDaemonStorage(storage, storage, () -> {
            storage.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        });
    }
}
