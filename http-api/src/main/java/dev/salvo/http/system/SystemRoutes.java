package dev.salvo.http.system;

import dev.salvo.http.support.RouteTable;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Liveness, readiness and the OpenAPI document: no API key needed. */
public final class SystemRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SystemRoutes.class);

    private final BooleanSupplier ready;
    private final Supplier<String> metrics;
    private final byte[] openApi;

    /**
     * @param ready   true when the storage answers; called on every {@code /readyz}
     * @param metrics the Prometheus text exposition, rendered on every {@code /metrics}
     */
    public SystemRoutes(BooleanSupplier ready, Supplier<String> metrics) {
        this.ready = ready;
        this.metrics = metrics;
        this.openApi = loadOpenApi();
    }

    public void register(RouteTable routes) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", this::readiness);
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
    }

    private void readiness(Context ctx) {
        boolean ok;
        try {
            ok = ready.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("Readiness check failed: {}", e.toString());
            ok = false;
        }
        ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ready" : "unavailable"));
    }

    public static byte[] loadOpenApi() {
        try (InputStream in = SystemRoutes.class.getResourceAsStream("/dev/salvo/http/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the http-api jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
