package dev.salvo.core.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a failed attempt is tried again: backoff × factor^attempt, capped; never more than
 * {@code maxRetries}; never when the retry would start after the deadline minus
 * {@code stopBeforeDeadline} (a negative value lets retries run past the deadline).
 *
 * @param maxRetries null = unlimited (the deadline still applies)
 */
public record RetryPolicy(Integer maxRetries, Duration stopBeforeDeadline, Duration backoff, long backoffFactor,
                          Duration maxBackoff) {

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        stopBeforeDeadline = stopBeforeDeadline == null ? Duration.ZERO : stopBeforeDeadline;
        if (backoffFactor < 1) {
            throw new IllegalArgumentException("backoffFactor must be at least 1");
        }
        if (maxRetries != null && maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
    }

    static final String DEADLINE = "deadline";

    public static RetryPolicy defaults() {
        return new RetryPolicy(null, Duration.ZERO, Duration.ofSeconds(1), 2, Duration.ofMinutes(1));
    }

    /** The outcome of asking whether to retry. */
    public sealed interface Decision {
        record Retry(RequestState.Pending next) implements Decision {
        }

        record GiveUp(String why) implements Decision {
            /** The next attempt would start too close to (or after) the deadline. */
            public boolean becauseOfDeadline() {
                return DEADLINE.equals(why);
            }
        }
    }

    /**
     * @param retryAttempt the attempt that just failed (0 = the first try)
     * @param deadline     the batch's deadline
     */
    public Decision decide(FailureReason reason, int retryAttempt, Instant deadline, Instant now) {
        if (!reason.retriable()) {
            return new Decision.GiveUp("not retriable: " + reason.code());
        }
        if (maxRetries != null && retryAttempt >= maxRetries) {
            return new Decision.GiveUp("max_retries");
        }
        Instant notBefore = now.plus(backoffFor(retryAttempt));
        if (!notBefore.isBefore(deadline.minus(stopBeforeDeadline))) {
            return new Decision.GiveUp(DEADLINE);
        }
        return new Decision.Retry(new RequestState.Pending(retryAttempt + 1, notBefore));
    }

    Duration backoffFor(int retryAttempt) {
        long millis = backoff.toMillis();
        long cap = maxBackoff.toMillis();
        for (int i = 0; i < retryAttempt && millis < cap; i++) {
            millis = millis > Long.MAX_VALUE / backoffFactor ? Long.MAX_VALUE : millis * backoffFactor;
        }
        return Duration.ofMillis(Math.min(millis, cap));
    }
}
