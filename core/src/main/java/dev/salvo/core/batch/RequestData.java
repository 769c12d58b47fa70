package dev.salvo.core.batch;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Everything about a request that does not change with its state: what to call and for whom.
 *
 * @param apiKey          the upstream secret to use (the batch's, else the template's); never logged
 * @param createdBy       the batch owner, for per-user fairness
 * @param batchExpiresAt  the deadline (the batch's)
 * @param escalatedFrom   for an escalated copy, the original request it races; null otherwise
 * @param batchMetadata   the batch's metadata, for forwarding as headers
 */
public record RequestData(RequestId id, BatchId batchId, TemplateId templateId, long lineNumber, String customId,
                          String endpoint, String method, String path, String body, String model, String apiKey,
                          String createdBy, Instant batchExpiresAt, RequestId escalatedFrom,
                          Map<String, String> batchMetadata) {

    public RequestData {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(body, "body");
        batchMetadata = batchMetadata == null ? Map.of() : Map.copyOf(batchMetadata);
        createdBy = createdBy == null ? "" : createdBy;
    }

    public boolean isEscalated() {
        return escalatedFrom != null;
    }

    /** The same request sent to another model: {@code body}'s top-level model is rewritten by the caller. */
    public RequestData routedTo(String newModel, String newBody) {
        return new RequestData(id, batchId, templateId, lineNumber, customId, endpoint, method, path, newBody, newModel,
                apiKey, createdBy, batchExpiresAt, escalatedFrom, batchMetadata);
    }
}
