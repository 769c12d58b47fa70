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
}
