package dev.salvo.http.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchService;
import dev.salvo.core.batch.BatchCatalog;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.Caller;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.batch.content.JsonlWriter;
import dev.salvo.http.error.ApiException;
import dev.salvo.http.support.ListPage;
import dev.salvo.http.support.QueryParams;
import dev.salvo.http.support.RouteTable;
import dev.salvo.http.support.WireIds;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * OpenAI's Batches API over {@link BatchCatalog}, and Salvo's extensions (delete, merged results,
 * retries), which live under the same paths but are named nowhere in OpenAI's API.
 */
public final class BatchRoutes {

    static final String BASE = "/v1/batches";
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_RETRY_IDS = 10_000;

    private final BatchCatalog storage;
    private final BatchService service;
    private final BatchApiSettings settings;
    private final ObjectMapper json;

    public BatchRoutes(BatchCatalog storage, BatchApiSettings settings, ObjectMapper json) {
        this.storage = storage;
        this.service = new BatchService(storage);
        this.settings = settings;
        this.json = json;
    }

    public void register(RouteTable routes) {
        routes.post(BASE, this::create);
        routes.get(BASE, this::list);
        routes.get(BASE + "/{batch_id}", this::retrieve);
        routes.delete(BASE + "/{batch_id}", this::delete);
        routes.post(BASE + "/{batch_id}/cancel", this::cancel);
        routes.get(BASE + "/{batch_id}/results", this::results);
        routes.post(BASE + "/{batch_id}/retry", this::retryFailed);
        routes.post(BASE + "/{batch_id}/retry-requests", this::retryRequests);
        routes.post(BASE + "/{batch_id}/cancel-requests", this::cancelRequests);
    }

    private void create(Context ctx) throws IOException {
        CreateBatchRequest request = CreateBatchRequest.parse(json.readTree(ctx.bodyInputStream()), settings);
        ApiException fileNotFound = new ApiException(404, "invalid_request_error", "file_not_found", "input_file_id",
                "No such file: '" + WireIds.printable(request.inputFileId()) + "'.");
        FileId fileId;
        try {
            fileId = WireIds.parseFile(request.inputFileId());
        } catch (ApiException e) {
            throw fileNotFound;
        }
        BatchService.Submission submission = new BatchService.Submission(fileId, request.endpoint(),
                request.completionWindow(), request.metadata());
        switch (service.submit(caller(ctx), submission)) {
            case BatchService.Submitted.Created created -> ctx.json(BatchObject.of(created.batch()));
            case BatchService.Submitted.FileNotFound missing -> throw fileNotFound;
            case BatchService.Submitted.NotABatchFile wrong -> throw ApiException.invalidRequest("invalid_value", "input_file_id",
                    "The input file must be a file uploaded with purpose 'batch'.");
            case BatchService.Submitted.EndpointMismatch mismatch -> throw ApiException.invalidRequest("mismatched_endpoint",
                    "endpoint", "The input file's requests use url '" + mismatch.fileUrl() + "', but the batch's endpoint is '"
                            + mismatch.endpoint() + "'; they must be equal.");
        }
    }

    private static Caller caller(Context ctx) {
        return Tenancy.caller(BearerAuth.principal(ctx));
    }

    private void list(Context ctx) {
        int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        BatchId after = null;
        String rawAfter = ctx.queryParam("after");
        if (rawAfter != null && !rawAfter.isEmpty()) {
            try {
                after = WireIds.parseBatch(rawAfter);
            } catch (ApiException e) {
                throw ApiException.invalidRequest("invalid_value", "after", "'after' must be a batch id.");
            }
        }
        ListBatchesFilter filter = ListBatchesFilter.all().withCreatedBy(caller(ctx).listOwner()).page(after, limit + 1);
        List<Batch> found;
        try {
            found = storage.listBatches(filter);
        } catch (BatchStorageException.NotFound e) {
            throw ApiException.invalidRequest("invalid_value", "after", "'after' must be the id of a batch from an earlier page.");
        }
        ctx.json(ListPage.of(found.stream().map(BatchObject::of).toList(), limit, BatchObject::id));
    }

    private void retrieve(Context ctx) {
        ctx.json(BatchObject.of(ownBatch(ctx)));
    }

    /** Cancelling a cancelling batch is a no-op; a finished one (cancelled included) is a 400, as the spec says. */
    private void cancel(Context ctx) {
        switch (service.cancel(ownBatch(ctx))) {
            case BatchService.Cancelled.Accepted accepted -> ctx.json(BatchObject.of(accepted.batch()));
            case BatchService.Cancelled.Refused refused -> throw ApiException.invalidRequest("invalid_state", null,
                    "Cannot cancel a batch with status '" + refused.batch().status().wire() + "'.");
        }
    }

    private void delete(Context ctx) {
        Batch batch = ownBatch(ctx);
        storage.deleteBatch(batch.id());
        ctx.json(new BatchObject.Deleted(WireIds.batch(batch.id()), "batch", true));
    }

    /**
     * The merged input/result view as JSONL, one line per input line in input order (an extension):
     * {@code offset} skips lines, {@code limit} caps them, {@code search} filters custom_ids by substring,
     * {@code status} by result status.
     */
    private void results(Context ctx) throws IOException {
        Batch batch = ownBatch(ctx);
        long offset = nonNegative(ctx.queryParam("offset"), "offset", 0);
        long limit = nonNegative(ctx.queryParam("limit"), "limit", Long.MAX_VALUE);
        String search = ctx.queryParam("search");
        ResultStatus status;
        try {
            String raw = ctx.queryParam("status");
            status = raw == null || raw.isEmpty() ? null : ResultStatus.parse(raw);
        } catch (BatchStorageException.Validation e) {
            throw ApiException.invalidRequest("invalid_value", "status", e.getMessage());
        }
        ctx.header("X-Salvo-Incomplete", String.valueOf(!batch.isTerminal()));
        ctx.contentType("application/jsonl");
        try (Stream<BatchResultItem> items = storage.streamBatchResults(batch.id(), offset, search, status).limit(limit);
             OutputStream out = new BufferedOutputStream(ctx.res().getOutputStream(), 64 * 1024);
             JsonlWriter writer = new JsonlWriter(out)) {
            for (BatchResultItem item : (Iterable<BatchResultItem>) items::iterator) {
                writer.write(item);
            }
        }
    }

    /** Every failed request of the batch goes back to pending (an extension). */
    private void retryFailed(Context ctx) {
        Batch batch = ownBatch(ctx);
        long retried;
        try {
            retried = storage.retryFailedRequestsForBatch(batch.id());
        } catch (BatchStorageException.InvalidState e) {
            throw ApiException.invalidRequest("invalid_state", null, e.getMessage());
        }
        if (retried == 0) {
            throw ApiException.invalidRequest("no_failed_requests", null, "No failed requests to retry in this batch.");
        }
        ctx.json(BatchObject.of(storage.getBatch(batch.id())));
    }

    /**
     * The listed failed requests go back to pending (an extension). Body: {@code {"request_ids":
     * ["batch_req_…", …]}}, the ids of output/error lines. An id of another batch is a 400; a request that
     * is not failed is left alone; if none was failed the answer is a 400.
     */
    private void retryRequests(Context ctx) throws IOException {
        Batch batch = ownBatch(ctx);
        long retried = storage.retryFailedRequests(requestIdsOf(ctx, batch)).stream()
                .filter(RequestOutcome.Done.class::isInstance).count();
        if (retried == 0) {
            throw ApiException.invalidRequest("no_failed_requests", "request_ids", "None of the listed requests has failed.");
        }
        ctx.json(BatchObject.of(storage.getBatch(batch.id())));
    }

    /**
     * The listed requests are cancelled (an extension): unfinished ones end as canceled at once (a racing
     * copy of one goes with it) and are never claimed again; a call already in flight may still land, and
     * its result is kept. The batch completes when its other requests are done. Body as for
     * retry-requests; if none was unfinished the answer is a 400.
     */
    private void cancelRequests(Context ctx) throws IOException {
        Batch batch = ownBatch(ctx);
        long cancelled = storage.cancelRequests(requestIdsOf(ctx, batch)).stream()
                .filter(RequestOutcome.Done.class::isInstance).count();
        if (cancelled == 0) {
            throw ApiException.invalidRequest("no_unfinished_requests", "request_ids",
                    "None of the listed requests is still unfinished.");
        }
        ctx.json(BatchObject.of(storage.getBatch(batch.id())));
    }

    /** {@code {"request_ids": ["batch_req_…", …]}}: distinct, at most {@value #MAX_RETRY_IDS}, every one a request of {@code batch}. */
    private List<RequestId> requestIdsOf(Context ctx, Batch batch) throws IOException {
        JsonNode body = json.readTree(ctx.bodyInputStream());
        JsonNode ids = body == null ? null : body.get("request_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.invalidRequest("missing_required_parameter", "request_ids",
                    "'request_ids' must be a non-empty array of batch request ids.");
        }
        if (ids.size() > MAX_RETRY_IDS) {
            throw ApiException.invalidRequest("invalid_value", "request_ids", "At most " + MAX_RETRY_IDS + " ids per call.");
        }
        Set<RequestId> requested = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            requested.add(WireIds.parseBatchRequest(id.isTextual() ? id.asText() : id.toString(), "request_ids"));
        }
        List<RequestId> list = new ArrayList<>(requested);
        for (RequestLookup lookup : storage.getRequests(list)) {
            if (!(lookup instanceof RequestLookup.Found found) || !found.request().data().batchId().equals(batch.id())) {
                throw ApiException.invalidRequest("invalid_value", "request_ids", "'" + WireIds.batchRequest(lookup.requestId())
                        + "' is not a request of this batch.");
            }
        }
        return list;
    }

    private static long nonNegative(String raw, String param, long fallback) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidRequest("invalid_value", param, "'" + param + "' must be a whole number, 0 or more.");
    }

    private Batch ownBatch(Context ctx) {
        BatchId id = WireIds.parseBatch(ctx.pathParam("batch_id"));
        return service.find(caller(ctx), id).orElseThrow(() -> ApiException.notFound("batch_not_found",
                "No such batch: '" + WireIds.batch(id) + "'."));
    }
}
