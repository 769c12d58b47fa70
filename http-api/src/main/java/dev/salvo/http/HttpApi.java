package dev.salvo.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.checkpoint.CheckpointManager;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.http.auth.Authenticator;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.checkpoint.CheckpointRoutes;
import dev.salvo.http.error.ErrorHandlers;
import dev.salvo.http.support.Json;
import dev.salvo.http.support.RouteTable;
import dev.salvo.http.system.SystemRoutes;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

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
        return create(settings, authenticator, checkpoints, clock, () -> "");
    }

    /** @param metrics Prometheus text for {@code /metrics} (served without a key; bind the API privately if that matters) */
    public static HttpApi create(HttpApiSettings settings, Authenticator authenticator, CheckpointStore checkpoints,
                                 Clock clock, java.util.function.Supplier<String> metrics) {
        Objects.requireNonNull(settings, "settings");
        ObjectMapper json = Json.mapper();
        CheckpointManager manager = new CheckpointManager(checkpoints, clock, settings.maxCheckpointsPerThread());
        AtomicReference<RouteTable> table = new AtomicReference<>();
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.jsonMapper(new JavalinJackson(json, true));
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            ErrorHandlers.register(config.routes);
            config.routes.before("/v1/*", new BearerAuth(authenticator));
            table.set(new RouteTable(config.routes));
            new SystemRoutes(() -> {
                checkpoints.count("readyz");
                return true;
            }, metrics).register(table.get());
            new CheckpointRoutes(checkpoints, manager, json, settings.maxStateBytes()).register(table.get());
        });
        return new HttpApi(javalin, table.get().registered(), settings);
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
