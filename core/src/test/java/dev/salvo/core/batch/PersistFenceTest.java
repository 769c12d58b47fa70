package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The holder fence of {@link PersistGuard#verdict}, {@link ClaimToken} and the {@link RacingPair} rules, stated literally. */
class PersistFenceTest {

    private static final DaemonId A = new DaemonId(UUID.fromString("00000000-0000-7000-8000-00000000000a"));
    private static final DaemonId B = new DaemonId(UUID.fromString("00000000-0000-7000-8000-00000000000b"));
    private static final Instant T = Instant.parse("2026-12-07T10:00:00.000001Z");
    private static final ClaimToken A_AT_T = new ClaimToken(A, T);

    @Test
    void claimTokenOfHeldStatesOnly() {
        assertThat(ClaimToken.of(new RequestState.Claimed(A, T, 3))).contains(A_AT_T);
        assertThat(ClaimToken.of(new RequestState.Processing(A, T, T.plusSeconds(1), 0))).contains(A_AT_T);
        assertThat(ClaimToken.of(RequestState.Pending.fresh())).isEmpty();
        assertThat(ClaimToken.of(new RequestState.Canceled(T))).isEmpty();
        assertThatThrownBy(() -> ClaimToken.held(new RequestState.Canceled(T)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a canceled request is not held");
        assertThatThrownBy(() -> new ClaimToken(null, T)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ClaimToken(A, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void holdsComparesDaemonAndClaimTime() {
        assertThat(A_AT_T.holds(new RequestState.Claimed(A, T, 0))).isTrue();
        assertThat(A_AT_T.holds(new RequestState.Processing(A, T, T, 2))).isTrue();
        assertThat(A_AT_T.holds(new RequestState.Claimed(B, T, 0))).isFalse();
        assertThat(A_AT_T.holds(new RequestState.Claimed(A, T.plusNanos(1000), 0))).isFalse();
        assertThat(A_AT_T.holds(RequestState.Pending.fresh())).isFalse();
    }

    @Test
    void unfencedWritesFollowTheGuardTable() {
        Optional<ClaimToken> none = Optional.empty();
        assertThat(PersistGuard.verdict(new RequestState.Claimed(B, T, 0), RequestStateKind.COMPLETED, none))
                .isEqualTo(PersistGuard.Verdict.APPLY);
        assertThat(PersistGuard.verdict(RequestState.Pending.fresh(), RequestStateKind.PROCESSING, none))
                .isEqualTo(PersistGuard.Verdict.APPLY);
        assertThat(PersistGuard.verdict(new RequestState.Canceled(T), RequestStateKind.PENDING, none))
                .isEqualTo(PersistGuard.Verdict.DROP);
    }

    @Test
    void holderWritesOntoLiveRequestsNeedTheSameClaim() {
        Optional<ClaimToken> a = Optional.of(A_AT_T);
        for (RequestStateKind next : RequestStateKind.values()) {
            assertThat(PersistGuard.verdict(new RequestState.Processing(A, T, T, 0), next, a)).as("own %s", next)
                    .isEqualTo(PersistGuard.Verdict.APPLY);
            assertThat(PersistGuard.verdict(new RequestState.Claimed(A, T, 0), next, a)).as("own claimed %s", next)
                    .isEqualTo(PersistGuard.Verdict.APPLY);
            assertThat(PersistGuard.verdict(new RequestState.Processing(B, T, T, 0), next, a)).as("other daemon %s", next)
                    .isEqualTo(PersistGuard.Verdict.FENCE);
            assertThat(PersistGuard.verdict(new RequestState.Claimed(A, T.plusSeconds(1), 0), next, a)).as("newer claim %s", next)
                    .isEqualTo(PersistGuard.Verdict.FENCE);
            assertThat(PersistGuard.verdict(new RequestState.Pending(1, null), next, a)).as("reclaimed %s", next)
                    .isEqualTo(PersistGuard.Verdict.FENCE);
        }
    }

    @Test
    void holderWritesOntoTerminalRequestsAreGuardedNotFenced() {
        Optional<ClaimToken> a = Optional.of(A_AT_T);
        assertThat(PersistGuard.verdict(new RequestState.Canceled(T), RequestStateKind.COMPLETED, a))
                .isEqualTo(PersistGuard.Verdict.APPLY);
        assertThat(PersistGuard.verdict(new RequestState.Canceled(T), RequestStateKind.FAILED, a))
                .isEqualTo(PersistGuard.Verdict.APPLY);
        assertThat(PersistGuard.verdict(new RequestState.Canceled(T), RequestStateKind.PENDING, a))
                .isEqualTo(PersistGuard.Verdict.DROP);
        assertThat(PersistGuard.verdict(RequestStateKind.COMPLETED, Optional.empty(), RequestStateKind.FAILED, a))
                .isEqualTo(PersistGuard.Verdict.DROP);
        assertThat(PersistGuard.verdict(RequestStateKind.SUPERSEDED, Optional.empty(), RequestStateKind.COMPLETED, a))
                .isEqualTo(PersistGuard.Verdict.DROP);
    }

    @Test
    void refusalsAreTypedOutcomes() {
        assertThat(PersistGuard.Verdict.DROP.refusal(RequestStateKind.COMPLETED))
                .isEqualTo(new PersistResult.Dropped(RequestStateKind.COMPLETED));
        assertThat(PersistGuard.Verdict.FENCE.refusal(RequestStateKind.PENDING))
                .isEqualTo(new PersistResult.Fenced(RequestStateKind.PENDING));
        assertThatThrownBy(() -> PersistGuard.Verdict.APPLY.refusal(RequestStateKind.PENDING))
                .isInstanceOf(IllegalStateException.class);
        assertThat(new PersistResult.Fenced(RequestStateKind.CLAIMED).applied()).isFalse();
        assertThat(new PersistResult.Dropped(RequestStateKind.CLAIMED).applied()).isFalse();
        assertThat(PersistResult.Applied.plain().applied()).isTrue();
    }

    @Test
    void guardTableStatedInFull() {
        String expected = """
                PENDING     PENDING CLAIMED PROCESSING COMPLETED FAILED CANCELED SUPERSEDED
                CLAIMED     PENDING CLAIMED PROCESSING COMPLETED FAILED CANCELED SUPERSEDED
                PROCESSING  PENDING CLAIMED PROCESSING COMPLETED FAILED CANCELED SUPERSEDED
                COMPLETED
                FAILED      SUPERSEDED
                CANCELED    COMPLETED FAILED
                SUPERSEDED
                """;
        StringBuilder actual = new StringBuilder();
        for (RequestStateKind current : RequestStateKind.values()) {
            StringBuilder row = new StringBuilder(String.format("%-11s", current.name()));
            for (RequestStateKind next : RequestStateKind.values()) {
                if (PersistGuard.applies(current, next)) {
                    row.append(' ').append(next.name());
                }
            }
            actual.append(row.toString().stripTrailing()).append('\n');
        }
        assertThat(actual.toString()).isEqualTo(expected);
        assertThat(PersistGuard.FENCED_STATES).containsExactlyInAnyOrder(RequestStateKind.PENDING, RequestStateKind.CLAIMED,
                RequestStateKind.PROCESSING);
    }

    @Test
    void racingPairRules() {
        assertThat(RacingPair.SUPERSEDABLE).containsExactlyInAnyOrder(RequestStateKind.PENDING, RequestStateKind.CLAIMED,
                RequestStateKind.PROCESSING, RequestStateKind.FAILED, RequestStateKind.CANCELED);
        assertThat(RacingPair.supersedes(RequestStateKind.CANCELED)).isTrue();
        assertThat(RacingPair.supersedes(RequestStateKind.COMPLETED)).isFalse();
        assertThat(RacingPair.supersedes(RequestStateKind.SUPERSEDED)).isFalse();

        assertThat(RacingPair.resultDropped(RequestStateKind.COMPLETED, RequestStateKind.COMPLETED)).isTrue();
        assertThat(RacingPair.resultDropped(RequestStateKind.FAILED, RequestStateKind.COMPLETED)).isTrue();
        assertThat(RacingPair.resultDropped(RequestStateKind.CANCELED, RequestStateKind.COMPLETED)).isFalse();
        assertThat(RacingPair.resultDropped(RequestStateKind.COMPLETED, RequestStateKind.FAILED)).isFalse();
        assertThat(RacingPair.resultDropped(RequestStateKind.FAILED, RequestStateKind.PROCESSING)).isFalse();

        assertThat(RacingPair.cancelReachesCopy(true, RequestStateKind.PROCESSING)).isTrue();
        assertThat(RacingPair.cancelReachesCopy(true, RequestStateKind.PENDING)).isTrue();
        assertThat(RacingPair.cancelReachesCopy(true, RequestStateKind.FAILED)).isFalse();
        assertThat(RacingPair.cancelReachesCopy(false, RequestStateKind.PROCESSING)).isFalse();
    }

    @Test
    void searchFoldsAsciiLettersOnly() {
        assertThat(SearchText.fold("AbC-xYz_09")).isEqualTo("abc-xyz_09");
        assertThat(SearchText.fold("CAFÉ İSTANBUL ΣΟΦΙΑ Straße")).isEqualTo("cafÉ İstanbul ΣΟΦΙΑ straße");
        assertThat(SearchText.fold("@[`{")).isEqualTo("@[`{");
        assertThat(SearchText.fold(null)).isNull();
        assertThat(SearchText.needle("")).isNull();
        assertThat(SearchText.needle(null)).isNull();
        assertThat(SearchText.needle("ABC%_")).isEqualTo("abc%_");
        assertThat(SearchText.contains("Report-ALPHA.jsonl", "alpha")).isTrue();
        assertThat(SearchText.contains("CAFÉ", "café")).isFalse();
        assertThat(SearchText.contains(null, "a")).isFalse();
        assertThat(SearchText.contains(null, null)).isTrue();
        assertThat(SearchText.contains("x", null)).isTrue();
    }
}
