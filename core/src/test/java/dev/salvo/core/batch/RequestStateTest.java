package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.batch.RequestState.Canceled;
import dev.salvo.core.batch.RequestState.Claimed;
import dev.salvo.core.batch.RequestState.Completed;
import dev.salvo.core.batch.RequestState.Failed;
import dev.salvo.core.batch.RequestState.Pending;
import dev.salvo.core.batch.RequestState.Processing;
import dev.salvo.core.batch.RequestState.Superseded;
import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestStateTest {

    private static final DaemonId DAEMON = DaemonId.parse("00000000-0000-7000-8000-0000000000d1");
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:01Z");
    private static final Instant T2 = Instant.parse("2026-03-01T10:00:02Z");
    private static final Instant T3 = Instant.parse("2026-03-01T10:00:03Z");
    private static final FailureReason REASON = new FailureReason.RetriableHttpStatus(502, "");

    @Test
    void aFreshRequestIsPendingOnItsFirstTryWithoutADelay() {
        assertThat(Pending.fresh()).isEqualTo(new Pending(0, null));
        assertThat(Pending.fresh().kind()).isEqualTo(RequestStateKind.PENDING);
    }

    @Test
    void pendingRejectsANegativeAttempt() {
        assertThatThrownBy(() -> new Pending(-1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retryAttempt must not be negative");
        assertThat(new Pending(0, T1).retryAttempt()).isZero();
    }

    @Test
    void theHappyPathKeepsTheAttemptAndEveryTimestamp() {
        Claimed claimed = new Pending(2, T1).claim(DAEMON, T1);
        assertThat(claimed).isEqualTo(new Claimed(DAEMON, T1, 2));
        assertThat(claimed.kind()).isEqualTo(RequestStateKind.CLAIMED);

        Processing processing = claimed.start(T2);
        assertThat(processing).isEqualTo(new Processing(DAEMON, T1, T2, 2));
        assertThat(processing.kind()).isEqualTo(RequestStateKind.PROCESSING);

        Completed completed = processing.complete(200, "{\"ok\":true}", "big-model", T3);
        assertThat(completed).isEqualTo(new Completed(200, "{\"ok\":true}", T1, T2, T3, "big-model"));
        assertThat(completed.kind()).isEqualTo(RequestStateKind.COMPLETED);
    }

    @Test
    void aFailureRecordsTheReasonTheAttemptAndTheRoutedModel() {
        Failed failed = new Processing(DAEMON, T1, T2, 4).fail(REASON, "small-model", T3);
        assertThat(failed).isEqualTo(new Failed(REASON, T3, 4, "small-model"));
        assertThat(failed.kind()).isEqualTo(RequestStateKind.FAILED);
    }

    @Test
    void cancelIsPossibleFromPendingClaimedAndProcessing() {
        assertThat(new Pending(1, null).cancel(T3)).isEqualTo(new Canceled(T3));
        assertThat(new Claimed(DAEMON, T1, 1).cancel(T3)).isEqualTo(new Canceled(T3));
        assertThat(new Processing(DAEMON, T1, T2, 1).cancel(T3)).isEqualTo(new Canceled(T3));
        assertThat(new Canceled(T3).kind()).isEqualTo(RequestStateKind.CANCELED);
    }

    @Test
    void releaseGivesTheRequestBackWithoutSpendingAnAttemptOrADelay() {
        assertThat(new Claimed(DAEMON, T1, 3).release()).isEqualTo(new Pending(3, null));
        assertThat(new Processing(DAEMON, T1, T2, 5).release()).isEqualTo(new Pending(5, null));
    }

    @Test
    void supersededNamesTheWinningTwin() {
        RequestId winner = RequestId.parse("00000000-0000-7000-8000-000000000077");
        Superseded s = new Superseded(T3, winner);
        assertThat(s.kind()).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(s.supersededBy()).isEqualTo(winner);
    }

    @Test
    void requiredFieldsAreChecked() {
        assertThatThrownBy(() -> new Claimed(null, T1, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Claimed(DAEMON, null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Processing(DAEMON, T1, null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Completed(200, null, T1, T2, T3, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Failed(null, T3, 0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Canceled(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Superseded(T3, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void kindWireNamesAndParsing() {
        assertThat(Arrays.stream(RequestStateKind.values()).map(RequestStateKind::wire))
                .containsExactly("pending", "claimed", "processing", "completed", "failed", "canceled", "superseded");
        assertThat(RequestStateKind.parse("processing")).isEqualTo(RequestStateKind.PROCESSING);
        assertThat(RequestStateKind.parse(" Failed ")).isEqualTo(RequestStateKind.FAILED);
        assertThat(RequestStateKind.parse("SUPERSEDED")).isEqualTo(RequestStateKind.SUPERSEDED);
        for (String bad : new String[] {"cancelled", "", "in_progress"}) {
            assertThatThrownBy(() -> RequestStateKind.parse(bad))
                    .isInstanceOf(BatchStorageException.Validation.class)
                    .hasMessage("Unknown request state '" + bad + "'");
        }
        assertThatThrownBy(() -> RequestStateKind.parse(null))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessage("Unknown request state 'null'");
    }

    @Test
    void kindTerminalAndInFlight() {
        assertThat(RequestStateKind.PENDING.terminal()).isFalse();
        assertThat(RequestStateKind.CLAIMED.terminal()).isFalse();
        assertThat(RequestStateKind.PROCESSING.terminal()).isFalse();
        assertThat(RequestStateKind.COMPLETED.terminal()).isTrue();
        assertThat(RequestStateKind.FAILED.terminal()).isTrue();
        assertThat(RequestStateKind.CANCELED.terminal()).isTrue();
        assertThat(RequestStateKind.SUPERSEDED.terminal()).isTrue();

        assertThat(RequestStateKind.PENDING.inFlight()).isFalse();
        assertThat(RequestStateKind.CLAIMED.inFlight()).isTrue();
        assertThat(RequestStateKind.PROCESSING.inFlight()).isTrue();
        assertThat(RequestStateKind.COMPLETED.inFlight()).isFalse();
        assertThat(RequestStateKind.FAILED.inFlight()).isFalse();
        assertThat(RequestStateKind.CANCELED.inFlight()).isFalse();
        assertThat(RequestStateKind.SUPERSEDED.inFlight()).isFalse();
    }
}
