package dev.salvo.storage.memory.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplate;
import java.util.Comparator;

/** One request; mutable, guarded by the store's lock. */
final class RequestRow {

    /** Line order, originals before their escalated copies. */
    static final Comparator<RequestRow> LINE_ORDER = Comparator.<RequestRow>comparingLong(r -> r.template.lineNumber())
            .thenComparing(r -> r.escalatedFrom != null)
            .thenComparing(r -> r.id);

    final RequestId id;
    final BatchId batchId;
    final RequestTemplate template;
    /** The model this request is routed to: the template's, or an escalation override. */
    final String model;
    /** An escalated copy's key override; null = the batch's or the template's. */
    final String apiKeyOverride;
    /** For an escalated copy, the original it races. */
    final RequestId escalatedFrom;
    /** The other request of a racing pair, if any. */
    RequestId twin;
    RequestState state;

    RequestRow(RequestId id, BatchId batchId, RequestTemplate template, String model, String apiKeyOverride,
               RequestId escalatedFrom, RequestState state) {
        this.id = id;
        this.batchId = batchId;
        this.template = template;
        this.model = model;
        this.apiKeyOverride = apiKeyOverride;
        this.escalatedFrom = escalatedFrom;
        this.state = state;
    }

    boolean isCopy() {
        return escalatedFrom != null;
    }

    RequestStateKind kind() {
        return state.kind();
    }
}
