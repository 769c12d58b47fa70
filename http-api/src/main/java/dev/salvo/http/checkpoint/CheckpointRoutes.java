package dev.salvo.http.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointManager;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.SaveOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.error.ApiException;
import dev.salvo.http.support.ListPage;
import dev.salvo.http.support.QueryParams;
import dev.salvo.http.support.RouteTable;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The checkpoint routes (a Salvo namespace, not an OpenAI path). Thread ids in paths are the caller's
 * own; {@link TenantThreads} makes the principal the owner of every thread it names, and the store keeps
 * each owner's threads apart.
 */
public final class CheckpointRoutes {

    static final String BASE = "/v1/checkpoints";
    /** Path words that cannot also be checkpoint ids, or the routes below would be ambiguous. */
    private static final Set<String> RESERVED_IDS = Set.of("latest", "count");
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final ThreadKey READINESS_PROBE = ThreadKey.of("READYZ", "readyz");

    private final CheckpointStore store;
    private final CheckpointManager manager;
    private final ObjectMapper json;
    private final long maxStateBytes;

    public CheckpointRoutes(CheckpointStore store, CheckpointManager manager, ObjectMapper json, long maxStateBytes) {
        this.store = store;
        this.manager = manager;
        this.json = json;
        this.maxStateBytes = maxStateBytes;
    }

    /** The readiness probe's cheap read: counts a thread no principal can own (owner ids of principals are lower case). */
    public static void checkReady(CheckpointStore store) {
        store.count(READINESS_PROBE);
    }

    public void register(RouteTable routes) {
        routes.get(BASE, this::listThreads);
        routes.post(BASE + "/{thread_id}", this::save);
        routes.get(BASE + "/{thread_id}", this::list);
        routes.delete(BASE + "/{thread_id}", this::deleteThread);
        // Fixed words before {checkpoint_id}: Javalin takes the first route that matches.
        routes.get(BASE + "/{thread_id}/latest", this::latest);
        routes.get(BASE + "/{thread_id}/latest/state", this::latestState);
        routes.get(BASE + "/{thread_id}/count", this::count);
        routes.get(BASE + "/{thread_id}/{checkpoint_id}", this::get);
        routes.delete(BASE + "/{thread_id}/{checkpoint_id}", this::delete);
        routes.get(BASE + "/{thread_id}/{checkpoint_id}/state", this::state);
    }

    record ThreadObject(String id, String object) {
    }

    record Deleted(String id, String object, boolean deleted) {
    }

    record Count(String threadId, String object, long count) {
    }

    private void listThreads(Context ctx) {
        Principal principal = BearerAuth.principal(ctx);
        int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        String after = ctx.queryParam("after");
        if (after != null) {
            TenantThreads.requireClientId(after, "after");
        }
        // One more than the page, so ListPage can tell whether there is more.
        ThreadListOptions options = ThreadListOptions.first(limit + 1).after(after);
        List<ThreadObject> page = store.listThreads(TenantThreads.owner(principal), options).stream()
                .map(id -> new ThreadObject(id, "checkpoint.thread"))
                .toList();
        ctx.json(ListPage.of(page, limit, ThreadObject::id));
    }

    private void save(Context ctx) throws java.io.IOException {
        String clientThread = ctx.pathParam("thread_id");
        ThreadKey thread = storeThread(ctx);
        SaveCheckpointRequest request = json.readerFor(SaveCheckpointRequest.class).readValue(ctx.bodyAsBytes());
        if (request == null) {
            throw ApiException.invalidRequest("invalid_json", null, "The request body must be a JSON object.");
        }
        byte[] state = stateOf(request);
        if (request.id() != null) {
            requireCheckpointId(request.id(), "id");
            if (RESERVED_IDS.contains(request.id())) {
                throw ApiException.invalidRequest("invalid_id", "id", "'" + request.id() + "' is reserved and cannot be a checkpoint id.");
            }
        }
        if (request.parentId() != null) {
            requireCheckpointId(request.parentId(), "parent_id");
        }
        if (request.step() != null && request.step() < 0) {
            throw ApiException.invalidRequest("invalid_value", "step", "'step' must not be negative.");
        }
        SaveOptions options = new SaveOptions(request.label(), request.tags(), request.custom(),
                request.id(), request.parentId(), request.step());
        CheckpointMetadata saved = manager.save(thread, state, options);
        // Read back for the store-assigned sequence: the port returns only the id.
        CheckpointMetadata stored = store.load(thread, saved.id()).metadata();
        ctx.status(201).json(CheckpointObject.of(clientThread, stored));
    }

    private byte[] stateOf(SaveCheckpointRequest request) {
        if ((request.state() == null) == (request.stateJson() == null)) {
            throw ApiException.invalidRequest("invalid_value", "state",
                    "Give the checkpoint state as exactly one of 'state' (base64) or 'state_json' (any JSON value).");
        }
        byte[] state;
        if (request.state() != null) {
            try {
                state = Base64.getDecoder().decode(request.state());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidRequest("invalid_value", "state", "'state' is not valid base64.");
            }
        } else {
            try {
                state = json.writeValueAsBytes(request.stateJson());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiException.invalidRequest("invalid_value", "state_json", "'state_json' cannot be encoded.");
            }
        }
        if (state.length > maxStateBytes) {
            throw ApiException.tooLarge(request.state() != null ? "state" : "state_json",
                    "The checkpoint state is " + state.length + " bytes; this server accepts at most " + maxStateBytes + ".");
        }
        return state;
    }

    private void list(Context ctx) {
        String clientThread = ctx.pathParam("thread_id");
        ThreadKey thread = storeThread(ctx);
        int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        boolean descending = QueryParams.descending(ctx, false);
        ListOptions options = descending ? ListOptions.newest(limit + 1) : ListOptions.oldest(limit + 1);
        String after = ctx.queryParam("after");
        if (after != null) {
            requireCheckpointId(after, "after");
            options = descending ? options.before(after) : options.after(after);
        }
        List<CheckpointObject> page = store.list(thread, options).stream()
                .map(m -> CheckpointObject.of(clientThread, m)).toList();
        ctx.json(ListPage.of(page, limit, CheckpointObject::id));
    }

    private void deleteThread(Context ctx) {
        ThreadKey thread = storeThread(ctx);
        if (store.count(thread) == 0) {
            throw CheckpointException.NotFound.thread(thread);
        }
        store.deleteThread(thread);
        ctx.json(new Deleted(ctx.pathParam("thread_id"), "checkpoint.thread.deleted", true));
    }

    private void latest(Context ctx) {
        Checkpoint latest = store.loadLatest(storeThread(ctx));
        ctx.json(CheckpointObject.of(ctx.pathParam("thread_id"), latest.metadata()));
    }

    private void latestState(Context ctx) {
        sendState(ctx, store.loadLatest(storeThread(ctx)));
    }

    private void count(Context ctx) {
        ctx.json(new Count(ctx.pathParam("thread_id"), "checkpoint.thread.count", store.count(storeThread(ctx))));
    }

    private void get(Context ctx) {
        Checkpoint checkpoint = store.load(storeThread(ctx), checkpointId(ctx));
        ctx.json(CheckpointObject.of(ctx.pathParam("thread_id"), checkpoint.metadata()));
    }

    private void delete(Context ctx) {
        ThreadKey thread = storeThread(ctx);
        String id = checkpointId(ctx);
        store.load(thread, id); // 404 for an id that is not there, as OpenAI deletes do
        store.delete(thread, id);
        ctx.json(new Deleted(id, "checkpoint.deleted", true));
    }

    private void state(Context ctx) {
        sendState(ctx, store.load(storeThread(ctx), checkpointId(ctx)));
    }

    private static void sendState(Context ctx, Checkpoint checkpoint) {
        ctx.header("X-Checkpoint-Id", checkpoint.id());
        ctx.contentType("application/octet-stream").result(checkpoint.state());
    }

    private static ThreadKey storeThread(Context ctx) {
        return TenantThreads.key(BearerAuth.principal(ctx), ctx.pathParam("thread_id"));
    }

    private static String checkpointId(Context ctx) {
        return requireCheckpointId(ctx.pathParam("checkpoint_id"), "checkpoint_id");
    }

    private static String requireCheckpointId(String id, String param) {
        if (!CheckpointIds.isValid(id)) {
            throw ApiException.invalidRequest("invalid_id", param,
                    "'" + param + "' must be 1-" + CheckpointIds.MAX_LENGTH + " characters from [A-Za-z0-9_.:-] and not '.' or '..'.");
        }
        return id;
    }

}
