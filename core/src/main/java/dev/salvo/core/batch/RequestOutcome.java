package dev.salvo.core.batch;

/** The result for one id of a per-id bulk operation (cancel or retry listed requests). */
public sealed interface RequestOutcome {

    RequestId requestId();

    record Done(RequestId requestId) implements RequestOutcome {
    }

    record NotFound(RequestId requestId) implements RequestOutcome {
    }

    /** The request is in a state the operation does not apply to. */
    record NotApplicable(RequestId requestId, RequestStateKind current) implements RequestOutcome {
    }
}
