package dev.salvo.core.batch;

import static dev.salvo.core.batch.BatchStamp.CANCELLED;
import static dev.salvo.core.batch.BatchStamp.CANCELLING;
import static dev.salvo.core.batch.BatchStamp.COMPLETED;
import static dev.salvo.core.batch.BatchStamp.DELETED;
import static dev.salvo.core.batch.BatchStamp.EXPIRED;
import static dev.salvo.core.batch.BatchStamp.FAILED;
import static dev.salvo.core.batch.BatchStamp.FINALIZING;
import static dev.salvo.core.batch.BatchStamp.IN_PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The batch-level rules of {@link BatchLifecycle}, expected values stated literally. */
class BatchLifecycleTest {

    private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");

    /** Facts whose costly questions count how often they were asked. */
    private static BatchLifecycle.SettleFacts facts(Set<BatchStamp> stamps, long total, long finished, boolean inFlight,
                                                    boolean liveCopy, AtomicInteger asked) {
        return new BatchLifecycle.SettleFacts(stamps, total, finished, () -> {
            asked.incrementAndGet();
            return inFlight;
        }, () -> {
            asked.incrementAndGet();
            return liveCopy;
        });
    }

    private static BatchLifecycle.Settlement settle(Set<BatchStamp> stamps, long total, long finished, boolean inFlight,
                                                    boolean liveCopy) {
        return BatchLifecycle.settle(facts(stamps, total, finished, inFlight, liveCopy, new AtomicInteger()));
    }

    @Test
    void aRunningBatchCompletesWhenEveryTemplateIsFinishedAndNoCopyRaces() {
        assertThat(settle(EnumSet.of(IN_PROGRESS), 3, 3, false, false)).isEqualTo(BatchLifecycle.Settlement.COMPLETED);
        assertThat(settle(EnumSet.of(IN_PROGRESS), 3, 2, false, false)).isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(settle(EnumSet.of(IN_PROGRESS), 3, 3, false, true)).isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(settle(EnumSet.of(IN_PROGRESS, FINALIZING), 1, 1, false, false)).isEqualTo(BatchLifecycle.Settlement.COMPLETED);
        assertThat(settle(EnumSet.noneOf(BatchStamp.class), 3, 3, false, false)).as("not populated")
                .isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(settle(EnumSet.of(IN_PROGRESS), 0, 0, false, false)).as("no templates").isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(settle(EnumSet.of(IN_PROGRESS, DELETED), 2, 2, false, false)).as("deleted batches still settle")
                .isEqualTo(BatchLifecycle.Settlement.COMPLETED);
    }

    @Test
    void aCancellingBatchIsCancelledOnceNothingIsInFlight() {
        assertThat(settle(EnumSet.of(IN_PROGRESS, CANCELLING), 5, 1, false, true)).isEqualTo(BatchLifecycle.Settlement.CANCELLED);
        assertThat(settle(EnumSet.of(IN_PROGRESS, CANCELLING), 5, 5, true, false)).isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(settle(EnumSet.of(CANCELLING), 0, 0, false, false)).as("cancelled while validating")
                .isEqualTo(BatchLifecycle.Settlement.CANCELLED);
        assertThat(settle(EnumSet.of(IN_PROGRESS, CANCELLING, DELETED), 5, 0, false, false))
                .isEqualTo(BatchLifecycle.Settlement.CANCELLED);
    }

    @Test
    void aTerminalBatchNeverSettlesAgainAndTheCostlyQuestionsAreNotAsked() {
        for (BatchStamp terminal : EnumSet.of(COMPLETED, FAILED, CANCELLED, EXPIRED)) {
            AtomicInteger asked = new AtomicInteger();
            assertThat(BatchLifecycle.settle(facts(EnumSet.of(IN_PROGRESS, CANCELLING, terminal), 2, 2, false, false, asked)))
                    .as("%s", terminal).isEqualTo(BatchLifecycle.Settlement.STAY);
            assertThat(asked).hasValue(0);
        }
        AtomicInteger asked = new AtomicInteger();
        assertThat(BatchLifecycle.settle(facts(EnumSet.of(IN_PROGRESS), 4, 3, true, true, asked)))
                .isEqualTo(BatchLifecycle.Settlement.STAY);
        assertThat(asked).as("an unfinished template decides without asking").hasValue(0);
    }

    @Test
    void cancelEligibility() {
        assertThat(BatchLifecycle.cancel(EnumSet.noneOf(BatchStamp.class))).isEqualTo(BatchLifecycle.CancelDecision.CANCEL);
        assertThat(BatchLifecycle.cancel(EnumSet.of(IN_PROGRESS, FINALIZING))).isEqualTo(BatchLifecycle.CancelDecision.CANCEL);
        assertThat(BatchLifecycle.cancel(EnumSet.of(IN_PROGRESS, CANCELLING))).isEqualTo(BatchLifecycle.CancelDecision.ALREADY_CANCELLING);
        assertThat(BatchLifecycle.cancel(EnumSet.of(IN_PROGRESS, CANCELLING, CANCELLED)))
                .isEqualTo(BatchLifecycle.CancelDecision.ALREADY_CANCELLING);
        assertThat(BatchLifecycle.cancel(EnumSet.of(IN_PROGRESS, COMPLETED))).isEqualTo(BatchLifecycle.CancelDecision.REFUSE);
        assertThat(BatchLifecycle.cancel(EnumSet.of(FAILED))).isEqualTo(BatchLifecycle.CancelDecision.REFUSE);
        assertThat(BatchLifecycle.cancel(EnumSet.of(IN_PROGRESS, EXPIRED))).isEqualTo(BatchLifecycle.CancelDecision.REFUSE);
        assertThat(BatchLifecycle.deleteCancelsFirst(EnumSet.of(IN_PROGRESS))).isTrue();
        assertThat(BatchLifecycle.deleteCancelsFirst(EnumSet.of(IN_PROGRESS, CANCELLING))).isFalse();
        assertThat(BatchLifecycle.deleteCancelsFirst(EnumSet.of(IN_PROGRESS, COMPLETED))).isFalse();
    }

    @Test
    void retryEligibility() {
        assertThat(BatchLifecycle.RETRIES.test(EnumSet.of(IN_PROGRESS))).isTrue();
        assertThat(BatchLifecycle.RETRIES.test(EnumSet.of(IN_PROGRESS, FINALIZING, COMPLETED))).isTrue();
        for (BatchStamp refusing : EnumSet.of(DELETED, CANCELLING, CANCELLED, EXPIRED, FAILED)) {
            assertThat(BatchLifecycle.RETRIES.test(EnumSet.of(IN_PROGRESS, refusing))).as("%s", refusing).isFalse();
        }
    }

    @Test
    void expiryNeedsARunningBatchPastItsDeadline() {
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS), T, T)).as("at the deadline").isTrue();
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS), T, T.minusNanos(1))).isFalse();
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS), T, T.plusSeconds(1))).isTrue();
        assertThat(BatchLifecycle.expires(EnumSet.noneOf(BatchStamp.class), T, T.plusSeconds(1))).as("validating").isFalse();
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS, CANCELLING), T, T.plusSeconds(1)))
                .as("a cancelling batch ends as cancelled, not expired").isFalse();
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS, DELETED), T, T.plusSeconds(1))).isFalse();
        assertThat(BatchLifecycle.expires(EnumSet.of(IN_PROGRESS, COMPLETED), T, T.plusSeconds(1))).isFalse();
    }

    @Test
    void stampRulesAndTheirSets() {
        assertThat(BatchLifecycle.TERMINAL).containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED, EXPIRED);
        assertThat(BatchLifecycle.UNFINISHED.set()).isEmpty();
        assertThat(BatchLifecycle.UNFINISHED.unset()).containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED, EXPIRED);
        assertThat(BatchLifecycle.RUNNING.set()).containsExactly(IN_PROGRESS);
        assertThat(BatchLifecycle.RUNNING.unset()).containsExactlyInAnyOrder(CANCELLING, DELETED, COMPLETED, FAILED, CANCELLED,
                EXPIRED);
        assertThat(BatchLifecycle.RETRIES.unset()).containsExactlyInAnyOrder(DELETED, CANCELLING, CANCELLED, EXPIRED, FAILED);
        BatchLifecycle.StampRule rule = new BatchLifecycle.StampRule(Set.of(IN_PROGRESS, FINALIZING), Set.of(DELETED));
        assertThat(rule.test(EnumSet.of(IN_PROGRESS, FINALIZING))).isTrue();
        assertThat(rule.test(EnumSet.of(IN_PROGRESS))).isFalse();
        assertThat(rule.test(EnumSet.of(IN_PROGRESS, FINALIZING, DELETED))).isFalse();
    }

    @Test
    void stampsAreReadThroughAPredicate() {
        assertThat(BatchStamp.where(stamp -> stamp == IN_PROGRESS || stamp == DELETED)).containsExactly(IN_PROGRESS, DELETED);
        assertThat(BatchStamp.where(stamp -> false)).isEmpty();
    }

    @Test
    void fileLifetimeDefaultsToThirtyDays() {
        assertThat(BatchLifecycle.DEFAULT_FILE_LIFETIME).hasDays(30);
        assertThat(BatchLifecycle.fileExpiresAt(T, null)).isEqualTo(Instant.parse("2027-01-06T12:00:00Z"));
        assertThat(BatchLifecycle.fileExpiresAt(T, 3600L)).isEqualTo(Instant.parse("2026-12-07T13:00:00Z"));
        assertThat(BatchLifecycle.fileExpired(T, T)).as("at the instant").isTrue();
        assertThat(BatchLifecycle.fileExpired(T, T.minusNanos(1))).isFalse();
        assertThat(BatchLifecycle.fileExpired(T, T.plusSeconds(1))).isTrue();
        assertThat(BatchLifecycle.fileExpired(null, T)).as("no lifetime").isFalse();
    }
}
