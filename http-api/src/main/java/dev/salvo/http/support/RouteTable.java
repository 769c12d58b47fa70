package dev.salvo.http.support;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers routes on Javalin and remembers them, so a test can prove that {@code /openapi.json}
 * documents every route the server really answers.
 */
public final class RouteTable {

    /** One registered route; {@code method} is lower case, {@code path} in OpenAPI's {@code {param}} form. */
    public record Route(String method, String path) {
    }

    private final RoutesConfig routes;
    private final List<Route> registered = new ArrayList<>();

    public RouteTable(RoutesConfig routes) {
        this.routes = routes;
    }

    public void get(String path, Handler handler) {
        routes.get(path, handler);
        registered.add(new Route("get", path));
    }

    public void post(String path, Handler handler) {
        routes.post(path, handler);
        registered.add(new Route("post", path));
    }

    public void delete(String path, Handler handler) {
        routes.delete(path, handler);
        registered.add(new Route("delete", path));
    }

    public List<Route> registered() {
        return List.copyOf(registered);
    }
}
