package dev.salvo.http.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.error.ApiException;
import dev.salvo.http.support.ListPage;
import dev.salvo.http.support.RouteTable;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code GET /v1/daemons} (admin only, an extension): the batch daemons and what they report. */
public final class DaemonRoutes {

    private final DaemonStorage daemons;
    private final ObjectMapper json;

    public DaemonRoutes(DaemonStorage daemons, ObjectMapper json) {
        this.daemons = daemons;
        this.json = json;
    }

    public void register(RouteTable routes) {
        routes.get("/v1/daemons", this::list);
    }

    record Stats(long requestsProcessed, long requestsFailed, long requestsInFlight) {
    }

    record DaemonObject(String id, String object, String status, String hostname, long pid, String version,
                        long startedAt, Long lastHeartbeat, Long stoppedAt, Stats stats, JsonNode config) {
    }

    private void list(Context ctx) {
        if (!BearerAuth.principal(ctx).admin()) {
            throw ApiException.forbidden("permission_denied", "Listing daemons needs an admin API key.");
        }
        Optional<DaemonStatus> status = status(ctx.queryParam("status"));
        List<DaemonObject> data = daemons.listDaemons(status).stream().map(this::object).toList();
        ctx.json(new ListPage<>("list", data, data.isEmpty() ? null : data.getFirst().id(),
                data.isEmpty() ? null : data.getLast().id(), false));
    }

    private static Optional<DaemonStatus> status(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        return Arrays.stream(DaemonStatus.values())
                .filter(s -> s.wire().equals(raw))
                .findFirst()
                .map(Optional::of)
                .orElseThrow(() -> ApiException.invalidRequest("invalid_value", "status",
                        "'status' must be initializing, running or dead."));
    }

    private DaemonObject object(DaemonRecord record) {
        DaemonState state = record.state();
        Instant heartbeat = null;
        Instant stopped = null;
        DaemonStats stats = DaemonStats.ZERO;
        switch (state) {
            case DaemonState.Initializing i -> { }
            case DaemonState.Running r -> {
                heartbeat = r.lastHeartbeat();
                stats = r.stats();
            }
            case DaemonState.Dead d -> {
                stopped = d.stoppedAt();
                stats = d.finalStats();
            }
        }
        return new DaemonObject(record.id().toString(), "daemon", state.status().wire(),
                record.data().hostname(), record.data().pid(), record.data().version(), state.startedAt().getEpochSecond(),
                FileObject.seconds(heartbeat), FileObject.seconds(stopped),
                new Stats(stats.requestsProcessed(), stats.requestsFailed(), stats.requestsInFlight()),
                config(record.data().configSnapshot()));
    }

    /** The snapshot is JSON written by the daemon; if it is not, it is shown as a string rather than failing the list. */
    private JsonNode config(String snapshot) {
        try {
            return json.readTree(snapshot);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(snapshot);
        }
    }
}
