package dev.salvo.app.backend;

import com.google.inject.Module;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.storage.memory.MemoryStorageModule;

public final class MemoryBackend implements StorageBackendProvider {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "in memory: fast, nothing survives a restart (tests and demos)";
    }

    @Override
    public Module module(SalvoConfig config) {
        return new MemoryStorageModule();
    }
}
