package dev.salvo.core.batch;

/** The result for one id of {@link BatchStorage#getRequests}. */
public sealed interface RequestLookup {

    RequestId requestId();

    record Found(BatchRequest request) implements RequestLookup {
        public RequestId requestId() {
            return request.id();
        }
    }

    record Missing(RequestId requestId) implements RequestLookup {
    }
}
