package dev.salvo.storage.filesystem;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of the filesystem adapters.
 *
 * @param dataDirectory where everything is stored; created if missing, and owned by one process at a time
 */
public record FilesystemSettings(Path dataDirectory) {

    public FilesystemSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
    }
}
