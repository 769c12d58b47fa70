package dev.salvo.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.app.backend.StorageBackends;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.core.auth.ApiKeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured backend's {@link ApiKeyStore} alone, for {@code salvo keys}: wired from
 * {@link StorageBackendProvider#apiKeysModule}, so it opens beside a server running on the same storage
 * (the filesystem data directory stays locked by the server) and starts no HTTP API or daemon.
 */
public final class StoredKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredKeys.class);

    private final String backend;
    private final ApiKeyStore store;
    private final List<AutoCloseable> resources;

    private StoredKeys(String backend, ApiKeyStore store, List<AutoCloseable> resources) {
        this.backend = backend;
        this.store = store;
        this.resources = resources;
    }

    public static StoredKeys open(SalvoConfig config) {
        StorageBackendProvider backend = StorageBackends.discover().named(config.require(ConfigKeys.STORAGE_BACKEND));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new SalvoModule(Clock.systemUTC()),
                backend.apiKeysModule(config));
        List<AutoCloseable> resources = new ArrayList<>(injector.getInstance(
                Key.get(new TypeLiteral<Set<AutoCloseable>>() { }, Names.named(SalvoModule.RESOURCES))));
        Collections.reverse(resources);
        try {
            return new StoredKeys(backend.name(), injector.getInstance(ApiKeyStore.class), resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The name of the backend the keys are stored in. */
    public String backend() {
        return backend;
    }

    public ApiKeyStore store() {
        return store;
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
