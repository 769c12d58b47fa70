package dev.salvo.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.app.backend.StorageBackends;
import dev.salvo.app.config.AuthSettings;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.http.HttpApi;
import dev.salvo.http.HttpApiSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Salvo: the storage backend chosen by configuration, wired by Guice, behind the HTTP API. */
public final class SalvoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SalvoServer.class);

    private final HttpApi api;
    private final List<AutoCloseable> resources;

    private SalvoServer(HttpApi api, List<AutoCloseable> resources) {
        this.api = api;
        this.resources = resources;
    }

    public static SalvoServer start(SalvoConfig config) {
        AuthSettings auth = AuthSettings.from(config);
        StorageBackendProvider backend = StorageBackends.discover().named(config.require(ConfigKeys.STORAGE_BACKEND));
        Clock clock = Clock.systemUTC();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new SalvoModule(clock), backend.module(config));
        List<AutoCloseable> resources = new ArrayList<>(injector.getInstance(
                Key.get(new TypeLiteral<Set<AutoCloseable>>() { }, Names.named(SalvoModule.RESOURCES))));
        Collections.reverse(resources);
        try {
            HttpApiSettings settings = new HttpApiSettings(
                    config.require(ConfigKeys.HTTP_HOST),
                    config.intValue(ConfigKeys.HTTP_PORT),
                    config.longValue(ConfigKeys.CHECKPOINT_MAX_STATE_BYTES),
                    config.intValue(ConfigKeys.CHECKPOINT_MAX_PER_THREAD));
            HttpApi api = HttpApi.create(settings, auth.authenticator(), injector.getInstance(CheckpointStore.class), clock)
                    .start();
            if (auth.devMode()) {
                warnDevMode();
            }
            LOG.info("Salvo listening on http://{}:{} with the {} storage backend", settings.host(), api.port(), backend.name());
            return new SalvoServer(api, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static void warnDevMode() {
        LOG.warn("""

                ************************************************************************
                *  DEVELOPMENT MODE: no API keys are configured, so the fixed key      *
                *  '{}' is accepted as the admin principal '{}'.
                *  Anyone who can reach this port can read and write everything.      *
                *  Configure salvo.auth.keys (SALVO_AUTH_KEYS) before exposing it.     *
                ************************************************************************""",
                AuthSettings.DEV_KEY, AuthSettings.DEV_PRINCIPAL);
    }

    public int port() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
        closeAll(resources);
        LOG.info("Salvo stopped");
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
