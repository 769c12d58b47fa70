package dev.salvo.app.backend;

import com.google.inject.Module;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.storage.postgres.PostgresApiKeyModule;
import dev.salvo.storage.postgres.PostgresSettings;
import dev.salvo.storage.postgres.PostgresStorageModule;

public final class PostgresBackend implements StorageBackendProvider {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String description() {
        return "PostgreSQL at " + ConfigKeys.PG_URL + ": durable, shared by any number of replicas";
    }

    @Override
    public Module module(SalvoConfig config) {
        return new PostgresStorageModule(settings(config));
    }

    /** The key store over its own small pool, without the batch and checkpoint adapters. */
    @Override
    public Module apiKeysModule(SalvoConfig config) {
        return new PostgresApiKeyModule(settings(config).withMaxPoolSize(2));
    }

    public static PostgresSettings settings(SalvoConfig config) {
        return new PostgresSettings(
                config.require(ConfigKeys.PG_URL),
                config.getOrDefault(ConfigKeys.PG_USER, null),
                config.getOrDefault(ConfigKeys.PG_PASSWORD, null),
                config.intValue(ConfigKeys.PG_POOL_SIZE),
                config.booleanValue(ConfigKeys.PG_MIGRATE_ON_START));
    }
}
