package dev.salvo.storage.filesystem;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.storage.filesystem.auth.FilesystemApiKeyStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Binds {@link ApiKeyStore} to the filesystem key store under {@code <data-dir>/keys}, and nothing else.
 *
 * <p>The key store takes no lock on the data directory, so this module is safe to use in a second process
 * while {@code salvo serve} owns that directory: {@code salvo keys} uses it on its own, and
 * {@link FilesystemStorageModule} installs it. Needs a {@link Clock} binding (the application provides one).
 */
public final class FilesystemApiKeyModule extends AbstractModule {

    private final FilesystemSettings settings;

    public FilesystemApiKeyModule(FilesystemSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    protected void configure() {
        bind(ApiKeyStore.class).to(FilesystemApiKeyStore.class);
    }

    @Provides
    @Singleton
    FilesystemApiKeyStore apiKeyStore(Clock clock) {
        return FilesystemApiKeyStore.open(settings.dataDirectory(), clock);
    }

    // Installed by FilesystemStorageModule and possibly by the application too: one binding either way.
    @Override
    public boolean equals(Object other) {
        return other instanceof FilesystemApiKeyModule module && module.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }
}
