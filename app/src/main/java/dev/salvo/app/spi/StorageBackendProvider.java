package dev.salvo.app.spi;

import com.google.inject.Module;
import dev.salvo.app.config.SalvoConfig;

/**
 * A storage backend that {@code salvo} can select with {@code salvo.storage.backend=<name>}.
 *
 * <p>Found with {@link java.util.ServiceLoader}: a third-party backend jar lists its implementation in
 * {@code META-INF/services/dev.salvo.app.spi.StorageBackendProvider} and is put on the class path; no
 * change to Salvo is needed. The module it returns must bind every port of
 * {@code dev.salvo.core} and add whatever it must close at shutdown to the
 * {@code Set<AutoCloseable>} annotated {@code @Named("salvo.resources")}.
 */
public interface StorageBackendProvider {

    /** The value of {@code salvo.storage.backend} that selects this backend. */
    String name();

    /** One line for {@code salvo --help} and error messages. */
    String description();

    /** The Guice module wiring this backend, configured from {@code salvo.storage.<name>.*} keys. */
    Module module(SalvoConfig config);

    /**
     * The module {@code salvo keys} uses: it must bind {@link dev.salvo.core.auth.ApiKeyStore} over the same
     * data as {@link #module}, and may bind only that (plus what it must close, in {@code salvo.resources}).
     * {@code salvo keys} runs while servers run on the same storage, so override this when {@link #module}
     * takes anything a second process cannot share, as the filesystem backend's data directory lock.
     * The default is {@link #module} itself. Throw {@link dev.salvo.app.config.ConfigException} if keys
     * cannot be managed from another process at all.
     */
    default Module apiKeysModule(SalvoConfig config) {
        return module(config);
    }
}
