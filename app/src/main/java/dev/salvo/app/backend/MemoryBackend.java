package dev.salvo.app.backend;

import com.google.inject.Module;
import dev.salvo.app.config.ConfigException;
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

    /** Keys in memory live and die with the serving process: no other process can reach them. */
    @Override
    public Module apiKeysModule(SalvoConfig config) {
        throw new ConfigException("the memory backend keeps API keys inside the serving process only, so 'salvo keys'"
                + " cannot reach them; use salvo.auth.keys, or the filesystem or postgres backend");
    }
}
