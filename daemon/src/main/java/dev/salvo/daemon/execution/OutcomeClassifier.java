package dev.salvo.daemon.execution;

import dev.salvo.core.batch.FailureReason;
import dev.salvo.daemon.upstream.UpstreamException;
import dev.salvo.daemon.upstream.UpstreamResponse;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what the upstream did into an outcome: 2xx/3xx completes; 408, 429, 404, 5xx (and configured
 * extras such as 499) are worth retrying; other 4xx are final. Calls that produced no response are
 * retriable unless the request could not even be built.
 */
public final class OutcomeClassifier {

    private final Set<Integer> extraRetryable;

    public OutcomeClassifier(Set<Integer> extraRetryable) {
        this.extraRetryable = Set.copyOf(extraRetryable);
    }

    /** Empty when the response is a success; else why it failed. */
    public Optional<FailureReason> classify(UpstreamResponse response) {
        int status = response.status();
        if (status < 400) {
            return Optional.empty();
        }
        boolean retriable = status >= 500 || status == 429 || status == 408 || status == 404 || extraRetryable.contains(status);
        return Optional.of(retriable
                ? new FailureReason.RetriableHttpStatus(status, response.body())
                : new FailureReason.NonRetriableHttpStatus(status, response.body()));
    }

    public FailureReason classify(UpstreamException e) {
        return switch (e.kind()) {
            case TIMEOUT -> new FailureReason.Timeout(e.getMessage());
            case CONNECTION -> new FailureReason.NetworkError(e.getMessage());
            case INVALID_REQUEST -> new FailureReason.RequestBuilderError(e.getMessage());
        };
    }
}
