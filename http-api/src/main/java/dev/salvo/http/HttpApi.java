package dev.salvo.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.batch.BatchCatalog;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.checkpoint.CheckpointManager;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.http.auth.Authenticator;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.batch.BatchApiSettings;
import dev.salvo.http.batch.BatchRoutes;
import dev.salvo.http.batch.DaemonRoutes;
import dev.salvo.http.batch.FileRoutes;
import dev.salvo.http.checkpoint.CheckpointRoutes;
import dev.salvo.http.error.ErrorHandlers;
import dev.salvo.http.error.JettyErrorHandler;
import dev.salvo.http.support.Json;
import dev.salvo.http.support.RouteTable;
import dev.salvo.http.system.SystemRoutes;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The HTTP server: Javalin over the ports. It holds no state of its own, so any number of replicas can
 * serve one PostgreSQL store.
 */
public final class HttpApi implements AutoCloseable {

    private final Javalin javalin;
    private final List<RouteTable.Route> routes;
    private final HttpApiSettings settings;

    private HttpApi(Javalin javalin, List<RouteTable.Route> routes, HttpApiSettings settings) {
        this.javalin = javalin;
        this.routes = routes;
        this.settings = settings;
    }

    public static HttpApi create(HttpApiSettings settings, Authenticator authenticator, CheckpointStore checkpoints,
                                 Clock clock) {
        return builder(settings, authenticator).clock(clock).checkpoints(checkpoints).build();
    }

    /** @param metrics Prometheus text for {@code /metrics} (served without a key; bind the API privately if that matters) */
    public static HttpApi create(HttpApiSettings settings, Authenticator authenticator, CheckpointStore checkpoints,
                                 Clock clock, Supplier<String> metrics) {
        return builder(settings, authenticator).clock(clock).checkpoints(checkpoints).metrics(metrics).build();
    }

    public static Builder builder(HttpApiSettings settings, Authenticator authenticator) {
        return new Builder(settings, authenticator);
    }

    /** Which ports the API serves: each group of routes is registered only when its port is given. */
    public static final class Builder {
        private final HttpApiSettings settings;
        private final Authenticator authenticator;
        private Clock clock = Clock.systemUTC();
        private CheckpointStore checkpoints;
        private BatchCatalog batches;
        private DaemonStorage daemons;
        private BatchApiSettings batchSettings;
        private Supplier<String> metrics = () -> "";

        private Builder(HttpApiSettings settings, Authenticator authenticator) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder checkpoints(CheckpointStore store) {
            this.checkpoints = store;
            return this;
        }

        /** The Files and Batches API (and, for admins, the daemon list). */
        public Builder batches(BatchCatalog storage, DaemonStorage daemonStorage, BatchApiSettings limits) {
            this.batches = Objects.requireNonNull(storage, "storage");
            this.daemons = Objects.requireNonNull(daemonStorage, "daemonStorage");
            this.batchSettings = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Prometheus text for {@code /metrics} (served without a key; bind the API privately if that matters). */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = Objects.requireNonNull(scrape, "scrape");
            return this;
        }

        public HttpApi build() {
            if (checkpoints == null && batches == null) {
                throw new IllegalStateException("an API without checkpoints or batches would serve nothing");
            }
            ObjectMapper json = Json.mapper();
            AtomicReference<RouteTable> table = new AtomicReference<>();
            Javalin javalin = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                // Platform threads, deliberately: in `salvo serve` the daemon runs hundreds of virtual
                // threads in this JVM, and a handler on a virtual thread would queue behind all of them
                // for one of the few carriers. On its own platform thread, the kernel schedules a request
                // as soon as it arrives, so reads stay fast while a batch drains (docs/PERFORMANCE.md).
                config.concurrency.useVirtualThreads = false;
                config.http.maxRequestSize = settings.maxRequestBytes();
                config.jsonMapper(new JavalinJackson(json, true));
                config.jetty.host = settings.host();
                config.jetty.port = settings.port();
                config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorHandler()));
                config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrorHandler()));
                ErrorHandlers.register(config.routes);
                // Every answer names its request, as OpenAI's do (the SDKs expose it as _request_id); first,
                // so that refusals by authentication carry it too.
                config.routes.before(ctx -> ctx.header("x-request-id", RequestIds.next()));
                config.routes.before("/v1/*", new BearerAuth(authenticator));
                table.set(new RouteTable(config.routes));
                new SystemRoutes(this::ready, metrics).register(table.get());
                if (checkpoints != null) {
                    CheckpointManager manager = new CheckpointManager(checkpoints, clock, settings.maxCheckpointsPerThread());
                    new CheckpointRoutes(checkpoints, manager, json, settings.maxStateBytes()).register(table.get());
                }
                if (batches != null) {
                    new FileRoutes(batches, batchSettings).register(table.get());
                    new BatchRoutes(batches, batchSettings, json).register(table.get());
                    new DaemonRoutes(daemons, json).register(table.get());
                }
            });
            return new HttpApi(javalin, table.get().registered(), settings);
        }

        /** Ready when every store it serves answers a cheap read. */
        private boolean ready() {
            if (checkpoints != null) {
                CheckpointRoutes.checkReady(checkpoints);
            }
            if (batches != null) {
                batches.listBatches(ListBatchesFilter.all().page(null, 1));
            }
            return true;
        }
    }

    public HttpApi start() {
        javalin.start();
        return this;
    }

    /** The bound port (useful when the settings asked for 0). */
    public int port() {
        return javalin.port();
    }

    public String host() {
        return settings.host();
    }

    public List<RouteTable.Route> routes() {
        return routes;
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
