package dev.salvo.http.error;

import com.fasterxml.jackson.core.JacksonException;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.checkpoint.CheckpointException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to the OpenAI envelope and a status the SDKs treat correctly: deterministic
 * failures are never answered with a status the SDKs retry (408, 409, 429, 5xx) unless the response
 * also says {@code x-should-retry: false}.
 */
public final class ErrorHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

    private ErrorHandlers() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e));
        routes.exception(CheckpointException.class, (e, ctx) -> respond(ctx, fromCheckpoint(e)));
        routes.exception(BatchStorageException.class, (e, ctx) -> respond(ctx, fromBatchStorage(e)));
        routes.exception(ApiKeyStoreException.class, (e, ctx) -> respond(ctx, fromApiKeyStore(e)));
        routes.exception(JacksonException.class, (e, ctx) -> respond(ctx, ApiException.invalidRequest(
                "invalid_json", null, "The request body is not valid JSON for this endpoint: " + e.getOriginalMessage())));
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e, ctx)));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, new ApiException(500, "server_error", "internal_error", null,
                    "The server had an error while processing your request."));
        });
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, ApiException.notFound("unknown_url",
                        "Unknown request URL: " + ctx.method() + " " + ctx.path()));
            }
        });
        routes.error(405, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, new ApiException(405, "invalid_request_error", "method_not_allowed", null,
                        "Method " + ctx.method() + " is not allowed on " + ctx.path()));
            }
        });
    }

    public static void respond(Context ctx, ApiException e) {
        if (e.status() == 409 || e.status() >= 500) {
            ctx.header("x-should-retry", String.valueOf(e.retryable()));
        }
        ctx.status(e.status()).json(ErrorBody.of(e));
    }

    static ApiException fromCheckpoint(CheckpointException e) {
        return switch (e) {
            case CheckpointException.NotFound nf -> switch (nf.entity()) {
                case CHECKPOINT -> ApiException.notFound("checkpoint_not_found",
                        "No checkpoint '" + nf.checkpointId() + "' in this thread.");
                case THREAD -> ApiException.notFound("thread_not_found", "The thread has no checkpoints.");
            };
            case CheckpointException.Validation v -> switch (v.reason()) {
                case INVALID_ID -> ApiException.invalidRequest("invalid_id", null, v.getMessage());
                case THREAD_MISMATCH, INVALID_ARGUMENT -> ApiException.invalidRequest("invalid_value", null, v.getMessage());
            };
            // A repeated client id: the same call can never succeed, so the SDKs are told not to retry.
            case CheckpointException.Conflict c -> ApiException.conflict("checkpoint_exists", c.getMessage());
            case CheckpointException.Backend b -> storageUnavailable("Checkpoint", b);
            case CheckpointException.Corrupt c -> serverError(c);
        };
    }

    /**
     * Key lookups run on every request (authentication), so a key store that cannot be reached must not
     * answer "don't retry": it is the same transient backend failure as any other port's.
     */
    static ApiException fromApiKeyStore(ApiKeyStoreException e) {
        return switch (e) {
            case ApiKeyStoreException.NotFound nf -> ApiException.notFound("api_key_not_found", nf.getMessage());
            case ApiKeyStoreException.Validation v -> ApiException.invalidRequest("invalid_value", null, v.getMessage());
            case ApiKeyStoreException.Conflict c -> ApiException.conflict("conflict", c.getMessage());
            case ApiKeyStoreException.Backend b -> storageUnavailable("API key", b);
        };
    }

    /**
     * Every port's backend failure answers alike: 503 {@code storage_unavailable} with
     * {@code x-should-retry: true}, so the SDKs retry with backoff while the store recovers.
     */
    private static ApiException storageUnavailable(String port, RuntimeException e) {
        LOG.error("{} storage failure", port, e);
        return new ApiException(503, "server_error", "storage_unavailable", null,
                "The storage backend is unavailable; try again shortly.", true);
    }

    static ApiException fromBatchStorage(BatchStorageException e) {
        return switch (e) {
            case BatchStorageException.NotFound nf -> ApiException.notFound(
                    nf.entity().name().toLowerCase(java.util.Locale.ROOT) + "_not_found", "No such "
                            + nf.entity().name().toLowerCase(java.util.Locale.ROOT) + ".");
            case BatchStorageException.Validation v -> ApiException.invalidRequest("invalid_value", null, v.getMessage());
            case BatchStorageException.InvalidState is -> ApiException.invalidRequest("invalid_state", null, is.getMessage());
            // A concurrent change won: the same call may succeed now, so the SDKs are told to retry it.
            case BatchStorageException.Conflict c -> new ApiException(409, "invalid_request_error", "conflict", null,
                    c.getMessage(), true);
            case BatchStorageException.Backend b -> storageUnavailable("Batch", b);
        };
    }

    /** Stored data that cannot be decoded: retrying will not help. */
    private static ApiException serverError(CheckpointException e) {
        LOG.error("Checkpoint data failure", e);
        return new ApiException(500, "server_error", "storage_error", null,
                "The server had an error while processing your request.");
    }

    private static ApiException fromJavalin(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 404) {
            return ApiException.notFound("unknown_url", "Unknown request URL: " + ctx.method() + " " + ctx.path());
        }
        if (status == 413) {
            return ApiException.tooLarge(null, "The request body is larger than this server accepts.");
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        return new ApiException(status, type, null, null, e.getMessage());
    }
}
