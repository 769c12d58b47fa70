package dev.salvo.app.backend;

import com.google.inject.Module;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.storage.filesystem.FilesystemApiKeyModule;
import dev.salvo.storage.filesystem.FilesystemSettings;
import dev.salvo.storage.filesystem.FilesystemStorageModule;
import java.nio.file.Path;

public final class FilesystemBackend implements StorageBackendProvider {

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public String description() {
        return "files under " + ConfigKeys.DATA_DIR + ": durable, one process per data directory (the default)";
    }

    @Override
    public Module module(SalvoConfig config) {
        return new FilesystemStorageModule(settings(config));
    }

    /** The key store only: it lives outside the data directory lock, so this works beside a running server. */
    @Override
    public Module apiKeysModule(SalvoConfig config) {
        return new FilesystemApiKeyModule(settings(config));
    }

    private static FilesystemSettings settings(SalvoConfig config) {
        Path dataDir = Path.of(config.require(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
        return new FilesystemSettings(dataDir);
    }
}
