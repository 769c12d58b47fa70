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
 * A deployment uses {@link PostgresStorageModule}, which binds the same store with everything else;
 * the two are never installed together.
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

    @Provides
    @Singleton
    ApiKeyStore apiKeyStore(PostgresDatabase database, Clock clock) {
        return new PostgresApiKeyStore(database.dsl(), clock);
    }
}
