package dev.salvo.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.salvo.app.backend.StorageBackends;
import dev.salvo.app.config.AuthSettings;
import dev.salvo.app.config.ConfigException;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.DaemonSettings;
import dev.salvo.app.config.HostSchedulingAdvice;
import dev.salvo.app.config.ModelSettings;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.app.metrics.BatchBacklogMetrics;
import dev.salvo.app.metrics.MicrometerDaemonMetrics;
import dev.salvo.app.spi.StorageBackendProvider;
import dev.salvo.app.upstream.EchoUpstream;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.CompletionWindow;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.daemon.BatchDaemon;
import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.upstream.JdkUpstreamClient;
import dev.salvo.http.HttpApi;
import dev.salvo.http.HttpApiSettings;
import dev.salvo.http.batch.BatchApiSettings;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Salvo process: the storage backend chosen by configuration, wired by Guice, with the HTTP
 * API, the batch daemon, or both ({@code salvo serve}, {@code salvo serve --no-daemon}, {@code salvo daemon}).
 */
public final class SalvoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SalvoServer.class);

    /** Closed in order on shutdown: API first (no new work), then the daemon, then the backend's resources. */
    private final List<AutoCloseable> parts;
    private final HttpApi api;
    private final BatchDaemon daemon;
    private final Injector injector;

    private SalvoServer(List<AutoCloseable> parts, HttpApi api, BatchDaemon daemon, Injector injector) {
        this.parts = parts;
        this.api = api;
        this.daemon = daemon;
        this.injector = injector;
    }

    /** A port of the running backend (for embedding Salvo as a library, and for tests). */
    public <T> T port(Class<T> type) {
        return injector.getInstance(type);
    }

    /** API, plus the daemon unless {@code salvo.daemon.enabled} is false. */
    public static SalvoServer start(SalvoConfig config) {
        return start(config, true, config.booleanValue(ConfigKeys.DAEMON_ENABLED));
    }

    public static SalvoServer start(SalvoConfig config, boolean withApi, boolean withDaemon) {
        AuthSettings auth = withApi ? AuthSettings.from(config) : null;
        StorageBackendProvider backend = StorageBackends.discover().named(config.require(ConfigKeys.STORAGE_BACKEND));
        HostSchedulingAdvice.check(config, HostSchedulingAdvice.AUTOGROUP).ifPresent(LOG::warn);
        Clock clock = Clock.systemUTC();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new SalvoModule(clock), backend.module(config));
        List<AutoCloseable> backendResources = new ArrayList<>(injector.getInstance(
                Key.get(new TypeLiteral<Set<AutoCloseable>>() { }, Names.named(SalvoModule.RESOURCES))));
        Collections.reverse(backendResources);
        List<AutoCloseable> parts = new ArrayList<>();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        BatchBacklogMetrics backlog = new BatchBacklogMetrics(injector.getInstance(BatchStorage.class), metrics, clock);
        try {
            HttpApi api = null;
            if (withApi) {
                HttpApiSettings settings = new HttpApiSettings(
                        config.require(ConfigKeys.HTTP_HOST),
                        config.intValue(ConfigKeys.HTTP_PORT),
                        config.longValue(ConfigKeys.CHECKPOINT_MAX_STATE_BYTES),
                        config.intValue(ConfigKeys.CHECKPOINT_MAX_PER_THREAD));
                api = HttpApi.builder(settings, auth.authenticator(injector.getInstance(dev.salvo.core.auth.ApiKeyStore.class)))
                        .clock(clock)
                        .checkpoints(injector.getInstance(CheckpointStore.class))
                        .batches(injector.getInstance(BatchStorage.class), injector.getInstance(DaemonStorage.class),
                                batchApiSettings(config))
                        .metrics(() -> {
                            backlog.refresh();
                            return metrics.scrape();
                        })
                        .build()
                        .start();
                parts.add(api);
                if (auth.devMode()) {
                    warnDevMode();
                }
                LOG.info("Salvo listening on http://{}:{} with the {} storage backend", settings.host(), api.port(), backend.name());
            }
            BatchDaemon daemon = null;
            if (withDaemon) {
                daemon = startDaemon(config, injector, clock, parts, new MicrometerDaemonMetrics(metrics));
            }
            parts.addAll(backendResources);
            return new SalvoServer(parts, api, daemon, injector);
        } catch (RuntimeException e) {
            parts.addAll(backendResources);
            closeAll(parts);
            throw e;
        }
    }

    /** Upload limits and batch choices; a line may only name a model this deployment is configured to serve. */
    static BatchApiSettings batchApiSettings(SalvoConfig config) {
        List<String> windows = ModelSettings.names(config.require(ConfigKeys.BATCH_COMPLETION_WINDOWS));
        for (String window : windows) {
            try {
                CompletionWindow.parse(window);
            } catch (BatchStorageException.Validation e) {
                throw new ConfigException(ConfigKeys.BATCH_COMPLETION_WINDOWS + ": " + e.getMessage());
            }
        }
        if (windows.isEmpty()) {
            throw new ConfigException(ConfigKeys.BATCH_COMPLETION_WINDOWS + " must name at least one window, e.g. 24h");
        }
        try {
            return BatchApiSettings.defaults(Set.copyOf(ModelSettings.names(config.getOrDefault(ConfigKeys.MODELS, ""))))
                    .withMaxUploadBytes(config.longValue(ConfigKeys.FILES_MAX_UPLOAD_BYTES))
                    .withMaxLinesPerFile(config.intValue(ConfigKeys.FILES_MAX_LINES))
                    .withMaxLineBytes(config.intValue(ConfigKeys.FILES_MAX_LINE_BYTES))
                    .withCompletionWindows(windows);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("salvo.files.*: " + e.getMessage());
        }
    }

    private static BatchDaemon startDaemon(SalvoConfig config, Injector injector, Clock clock, List<AutoCloseable> parts,
                                           MicrometerDaemonMetrics metrics) {
        URI echoUrl = URI.create("http://127.0.0.1:0");
        if (ModelSettings.usesBuiltinEcho(config)) {
            try {
                EchoUpstream echo = EchoUpstream.start();
                parts.add(echo);
                echoUrl = echo.baseUrl();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the built-in echo upstream", e);
            }
        }
        ModelSettings models = ModelSettings.from(config, echoUrl);
        DaemonSettings settings = DaemonSettings.from(config, models);
        DaemonData identity = new DaemonData(DaemonId.generate(), hostname(), ProcessHandle.current().pid(),
                SalvoServer.class.getPackage().getImplementationVersion(), snapshot(models));
        BatchDaemon daemon = new BatchDaemon(injector.getInstance(BatchStorage.class), injector.getInstance(DaemonStorage.class),
                new JdkUpstreamClient(settings.timeouts()), settings.config(), clock, identity, metrics).start();
        parts.add(daemon);
        return daemon;
    }

    /** What the daemon runs with, for the admin API: models and limits, never keys. */
    private static String snapshot(ModelSettings models) {
        return models.routes().stream()
                .map((ModelRoute r) -> "{\"model\":\"" + r.name() + "\",\"concurrency\":" + r.concurrencyLimit() + "}")
                .collect(Collectors.joining(",", "{\"models\":[", "]}"));
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void warnDevMode() {
        LOG.warn("""

                ************************************************************************
                *  DEVELOPMENT MODE: no API key is configured or stored, so the key    *
                *  '{}' is accepted as the admin principal '{}'.
                *  Anyone who can reach this port can read and write everything.      *
                *  Create a key ('salvo keys create --name NAME') or configure        *
                *  salvo.auth.keys (SALVO_AUTH_KEYS) before exposing it.               *
                ************************************************************************""",
                AuthSettings.DEV_KEY, AuthSettings.DEV_PRINCIPAL);
    }

    /** The HTTP port; -1 when this process runs no API. */
    public int port() {
        return api == null ? -1 : api.port();
    }

    /** The daemon, if this process runs one. */
    public java.util.Optional<BatchDaemon> daemon() {
        return java.util.Optional.ofNullable(daemon);
    }

    @Override
    public void close() {
        closeAll(parts);
        LOG.info("Salvo stopped");
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
