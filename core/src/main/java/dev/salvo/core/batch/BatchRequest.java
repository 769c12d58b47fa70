package dev.salvo.core.batch;

import java.util.Objects;

/** A request of a batch: its fixed data and its current state. */
public record BatchRequest(RequestData data, RequestState state) {

    public BatchRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(state, "state");
    }

    public RequestId id() {
        return data.id();
    }

    public BatchRequest withState(RequestState next) {
        return new BatchRequest(data, next);
    }
}
