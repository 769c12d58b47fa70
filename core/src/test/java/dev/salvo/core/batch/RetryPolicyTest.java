package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.batch.RetryPolicy.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant FAR = Instant.parse("2026-03-31T10:00:00Z");
    private static final FailureReason RETRIABLE = new FailureReason.RetriableHttpStatus(503, "busy");

    /** 1 s doubling up to 60 s, at most 5 retries, stop 10 s before the deadline. */
    private static RetryPolicy policy() {
        return new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(1), 2, Duration.ofSeconds(60));
    }

    @Test
    void defaultsAreUnlimitedRetriesOneSecondDoublingUpToAMinute() {
        assertThat(RetryPolicy.defaults())
                .isEqualTo(new RetryPolicy(null, Duration.ZERO, Duration.ofSeconds(1), 2, Duration.ofMinutes(1)));
    }

    @Test
    void constructorChecksItsArguments() {
        assertThat(new RetryPolicy(0, null, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)).stopBeforeDeadline())
                .isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> new RetryPolicy(0, null, Duration.ofSeconds(1), 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("backoffFactor must be at least 1");
        assertThatThrownBy(() -> new RetryPolicy(-1, null, Duration.ofSeconds(1), 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRetries must not be negative");
        assertThatThrownBy(() -> new RetryPolicy(1, null, null, 2, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, null, Duration.ofSeconds(1), 2, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void backoffGrowsByTheFactorAndIsCapped() {
        RetryPolicy p = policy();
        assertThat(p.backoffFor(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoffFor(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoffFor(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoffFor(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(p.backoffFor(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.backoffFor(1_000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void backoffWithFactorThreeAndAnInitialValueAboveTheCap() {
        RetryPolicy three = new RetryPolicy(null, null, Duration.ofMillis(100), 3, Duration.ofMillis(1000));
        assertThat(three.backoffFor(2)).isEqualTo(Duration.ofMillis(900));
        assertThat(three.backoffFor(3)).isEqualTo(Duration.ofMillis(1000));
        RetryPolicy above = new RetryPolicy(null, null, Duration.ofSeconds(5), 2, Duration.ofSeconds(3));
        assertThat(above.backoffFor(0)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void backoffStopsGrowingOnceCappedSoAHugeAttemptNumberCostsNothing() {
        // The loop ends at the cap instead of running once per attempt. No wall-clock assertion here: a
        // mutant that loops over every attempt is caught by PIT's own time-out, not by this test's clock.
        RetryPolicy p = policy();
        assertThat(p.backoffFor(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void backoffSaturatesInsteadOfOverflowing() {
        Duration uncapped = Duration.ofMillis(Long.MAX_VALUE);
        // Exactly Long.MAX_VALUE / 2: doubling still fits.
        RetryPolicy half = new RetryPolicy(null, null, Duration.ofMillis(4_611_686_018_427_387_903L), 2, uncapped);
        assertThat(half.backoffFor(1).toMillis()).isEqualTo(9_223_372_036_854_775_806L);
        // One more: doubling would overflow, so the value saturates at Long.MAX_VALUE.
        RetryPolicy over = new RetryPolicy(null, null, Duration.ofMillis(4_611_686_018_427_387_904L), 2, uncapped);
        assertThat(over.backoffFor(1).toMillis()).isEqualTo(9_223_372_036_854_775_807L);
        assertThat(over.backoffFor(3).toMillis()).isEqualTo(9_223_372_036_854_775_807L);
    }

    @Test
    void aRetriableFailureIsRetriedAfterItsBackoffWithTheNextAttemptNumber() {
        Decision d = policy().decide(RETRIABLE, 2, FAR, NOW);
        assertThat(d).isEqualTo(new Decision.Retry(new RequestState.Pending(3, Instant.parse("2026-03-01T10:00:04Z"))));
        assertThat(policy().decide(RETRIABLE, 0, FAR, NOW))
                .isEqualTo(new Decision.Retry(new RequestState.Pending(1, Instant.parse("2026-03-01T10:00:01Z"))));
    }

    @Test
    void aNonRetriableFailureIsGivenUpAtOnceWithItsCode() {
        Decision d = policy().decide(new FailureReason.NonRetriableHttpStatus(400, "bad"), 0, FAR, NOW);
        assertThat(d).isEqualTo(new Decision.GiveUp("not retriable: non_retriable_http_status"));
        assertThat(((Decision.GiveUp) d).becauseOfDeadline()).isFalse();
        assertThat(policy().decide(new FailureReason.BatchExpired(), 0, FAR, NOW))
                .isEqualTo(new Decision.GiveUp("not retriable: batch_expired"));
    }

    @Test
    void maxRetriesCountsRetriesNotAttempts() {
        assertThat(policy().decide(RETRIABLE, 4, FAR, NOW)).isInstanceOf(Decision.Retry.class);
        Decision d = policy().decide(RETRIABLE, 5, FAR, NOW);
        assertThat(d).isEqualTo(new Decision.GiveUp("max_retries"));
        assertThat(((Decision.GiveUp) d).becauseOfDeadline()).isFalse();
        assertThat(policy().decide(RETRIABLE, 6, FAR, NOW)).isEqualTo(new Decision.GiveUp("max_retries"));
    }

    @Test
    void zeroMaxRetriesNeverRetries() {
        RetryPolicy none = new RetryPolicy(0, null, Duration.ofSeconds(1), 2, Duration.ofSeconds(60));
        assertThat(none.decide(RETRIABLE, 0, FAR, NOW)).isEqualTo(new Decision.GiveUp("max_retries"));
    }

    @Test
    void unlimitedRetriesStillStopAtTheDeadline() {
        RetryPolicy unlimited = RetryPolicy.defaults();
        assertThat(unlimited.decide(RETRIABLE, 10_000, FAR, NOW))
                .isEqualTo(new Decision.Retry(new RequestState.Pending(10_001, Instant.parse("2026-03-01T10:01:00Z"))));
        Decision late = unlimited.decide(RETRIABLE, 10_000, Instant.parse("2026-03-01T10:00:30Z"), NOW);
        assertThat(late).isEqualTo(new Decision.GiveUp("deadline"));
        assertThat(((Decision.GiveUp) late).becauseOfDeadline()).isTrue();
    }

    @Test
    void theRetryMustStartStrictlyBeforeTheDeadlineMinusTheMargin() {
        // Attempt 2 waits 4 s: notBefore 10:00:04. The deadline minus 10 s must be after that.
        Decision justInTime = policy().decide(RETRIABLE, 2, Instant.parse("2026-03-01T10:00:14.001Z"), NOW);
        assertThat(justInTime)
                .isEqualTo(new Decision.Retry(new RequestState.Pending(3, Instant.parse("2026-03-01T10:00:04Z"))));
        Decision exactlyAtTheMargin = policy().decide(RETRIABLE, 2, Instant.parse("2026-03-01T10:00:14Z"), NOW);
        assertThat(exactlyAtTheMargin).isEqualTo(new Decision.GiveUp("deadline"));
        assertThat(((Decision.GiveUp) exactlyAtTheMargin).becauseOfDeadline()).isTrue();
        Decision pastTheDeadline = policy().decide(RETRIABLE, 2, Instant.parse("2026-03-01T09:00:00Z"), NOW);
        assertThat(pastTheDeadline).isEqualTo(new Decision.GiveUp("deadline"));
    }

    @Test
    void aNegativeMarginLetsRetriesRunPastTheDeadline() {
        RetryPolicy lenient = new RetryPolicy(null, Duration.ofSeconds(-30), Duration.ofSeconds(1), 2, Duration.ofSeconds(60));
        Instant deadline = Instant.parse("2026-03-01T10:00:00Z");
        // notBefore 10:00:04 is after the deadline but before deadline + 30 s.
        assertThat(lenient.decide(RETRIABLE, 2, deadline, NOW))
                .isEqualTo(new Decision.Retry(new RequestState.Pending(3, Instant.parse("2026-03-01T10:00:04Z"))));
        // Attempt 5 waits 32 s: 10:00:32 is past deadline + 30 s.
        assertThat(lenient.decide(RETRIABLE, 5, deadline, NOW)).isEqualTo(new Decision.GiveUp("deadline"));
    }

    @Test
    void giveUpKnowsWhetherTheDeadlineWasTheReason() {
        assertThat(new Decision.GiveUp("deadline").becauseOfDeadline()).isTrue();
        assertThat(new Decision.GiveUp("Deadline").becauseOfDeadline()).isFalse();
        assertThat(new Decision.GiveUp("max_retries").becauseOfDeadline()).isFalse();
    }
}
