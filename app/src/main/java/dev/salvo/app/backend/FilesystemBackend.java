package dev.salvo.app.backend;

import com.google.inject.Module;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
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
        Path dataDir = Path.of(config.require(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
        return new FilesystemStorageModule(new FilesystemSettings(dataDir));
    }
}
