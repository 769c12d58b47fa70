package dev.salvo.storage.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.storage.postgres.auth.PostgresApiKeyStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds {@link ApiKeyStore} alone, over its own {@link PostgresDatabase} (registered in
 * {@code salvo.resources}): what {@code salvo keys} needs, without the batch and checkpoint adapters.
 * {@link PostgresStorageModule} installs it and adds the batch and checkpoint adapters over the same pool.
 */
public final class PostgresApiKeyModule extends AbstractModule {

    private final PostgresSettings settings;

    public PostgresApiKeyModule(PostgresSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), AutoCloseable.class, Names.named("salvo.resources"))
                .addBinding().to(PostgresDatabase.class);
    }

    @Provides
    @Singleton
    PostgresDatabase database() {
        return PostgresDatabase.open(settings);
    }

    /** Keys created by {@code salvo keys} count at once: every lookup reads the table. */
    @Provides
    @Singleton
    ApiKeyStore apiKeyStore(PostgresDatabase database, Clock clock) {
        return new PostgresApiKeyStore(database.dsl(), clock);
    }
}
