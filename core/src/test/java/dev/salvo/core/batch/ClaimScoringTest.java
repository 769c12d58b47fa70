package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimScoringTest {

    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private static final DaemonId DAEMON = DaemonId.parse("00000000-0000-7000-8000-000000000001");

    private static ClaimRequest claim(Map<String, Integer> active, double urgencyWeight) {
        return new ClaimRequest(10, DAEMON, Map.of("m", 4), active, urgencyWeight);
    }

    @Test
    void aWeightBetweenZeroAndOneBlendsFairnessAndUrgency() {
        ClaimRequest c = claim(Map.of("alice", 3, "bob", 6), 0.25);
        // alice: fairness 3/6 = 0.5; 6 h left = 0.25 day. 0.75 × 0.5 + 0.25 × 0.25
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofHours(6)), c, NOW)).isEqualTo(0.4375);
        // bob: fairness 6/6 = 1; 12 h left = 0.5 day. 0.75 × 1 + 0.25 × 0.5
        assertThat(ClaimScoring.score("bob", NOW.plus(Duration.ofHours(12)), c, NOW)).isEqualTo(0.875);
        // carol has nothing in flight: fairness 0. 0.25 × 0.25
        assertThat(ClaimScoring.score("carol", NOW.plus(Duration.ofHours(6)), c, NOW)).isEqualTo(0.0625);
    }

    @Test
    void weightZeroIsFairnessOnly() {
        ClaimRequest c = claim(Map.of("alice", 1, "bob", 4), 0);
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofHours(6)), c, NOW)).isEqualTo(0.25);
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofDays(9)), c, NOW)).isEqualTo(0.25);
        assertThat(ClaimScoring.score("bob", NOW.plus(Duration.ofHours(1)), c, NOW)).isEqualTo(1.0);
    }

    @Test
    void weightOneIsEarliestDeadlineFirst() {
        ClaimRequest c = claim(Map.of("alice", 1, "bob", 4), 1);
        assertThat(ClaimScoring.score("bob", NOW.plus(Duration.ofHours(18)), c, NOW)).isEqualTo(0.75);
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofHours(18)), c, NOW)).isEqualTo(0.75);
    }

    @Test
    void urgencyIsTheTimeLeftAsAFractionOfADayClampedToZeroAndOne() {
        ClaimRequest c = claim(Map.of(), 1);
        assertThat(ClaimScoring.score("a", NOW, c, NOW)).isEqualTo(0.0);
        assertThat(ClaimScoring.score("a", NOW.minus(Duration.ofHours(5)), c, NOW)).isEqualTo(0.0);
        assertThat(ClaimScoring.score("a", NOW.plus(Duration.ofDays(1)), c, NOW)).isEqualTo(1.0);
        assertThat(ClaimScoring.score("a", NOW.plus(Duration.ofDays(3)), c, NOW)).isEqualTo(1.0);
        // Milliseconds count: 1.5 s of a day.
        assertThat(ClaimScoring.score("a", NOW.plusMillis(1_500), c, NOW)).isCloseTo(1.736111e-5, within(1e-10));
        assertThat(ClaimScoring.score("a", NOW.plus(Duration.ofHours(3)), c, NOW)).isEqualTo(0.125);
    }

    @Test
    void withNobodyInFlightFairnessIsZeroNotADivisionByZero() {
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofHours(6)), claim(Map.of(), 0.5), NOW)).isEqualTo(0.125);
        assertThat(ClaimScoring.score("alice", NOW.plus(Duration.ofHours(6)), claim(Map.of("alice", 0), 0.5), NOW))
                .isEqualTo(0.125);
    }

    @Test
    void theLoadIsRelativeToTheBusiestOwnerEvenWithOneInFlight() {
        ClaimRequest c = claim(Map.of("alice", 1), 0);
        assertThat(ClaimScoring.score("alice", NOW, c, NOW)).isEqualTo(1.0);
        assertThat(ClaimScoring.score("bob", NOW, c, NOW)).isEqualTo(0.0);
    }

    record Candidate(String owner, Instant expiresAt, BatchId id) {
    }

    private static List<Candidate> sorted(ClaimRequest c, Candidate... candidates) {
        List<Candidate> list = new ArrayList<>(List.of(candidates));
        list.sort(ClaimScoring.order(c, NOW, Candidate::owner, Candidate::expiresAt, Candidate::id));
        return list;
    }

    private static BatchId id(int n) {
        return BatchId.parse(String.format("00000000-0000-7000-8000-%012d", n));
    }

    @Test
    void orderServesTheLowestScoreFirst() {
        ClaimRequest c = claim(Map.of("alice", 3, "bob", 6), 0.25);
        Candidate busyUrgent = new Candidate("bob", NOW.plus(Duration.ofHours(1)), id(1));     // 0.75 + 0.0104
        Candidate idleRelaxed = new Candidate("carol", NOW.plus(Duration.ofDays(2)), id(2));   // 0 + 0.25
        Candidate halfBusy = new Candidate("alice", NOW.plus(Duration.ofHours(6)), id(3));     // 0.4375
        assertThat(sorted(c, busyUrgent, idleRelaxed, halfBusy)).containsExactly(idleRelaxed, halfBusy, busyUrgent);
    }

    @Test
    void orderWithWeightOneIsEarliestDeadlineFirstWhateverTheLoad() {
        ClaimRequest c = claim(Map.of("alice", 9, "bob", 1), 1);
        Candidate alice = new Candidate("alice", NOW.plus(Duration.ofHours(2)), id(1));
        Candidate bob = new Candidate("bob", NOW.plus(Duration.ofHours(3)), id(2));
        assertThat(sorted(c, bob, alice)).containsExactly(alice, bob);
    }

    @Test
    void equalScoresAreBrokenByDeadlineThenById() {
        // Weight 0: the score is the owner's load only, so both of alice's batches score the same.
        ClaimRequest c = claim(Map.of("alice", 2), 0);
        Candidate later = new Candidate("alice", NOW.plus(Duration.ofHours(5)), id(1));
        Candidate earlier = new Candidate("alice", NOW.plus(Duration.ofHours(4)), id(2));
        Candidate earlierHigherId = new Candidate("alice", NOW.plus(Duration.ofHours(4)), id(3));
        assertThat(sorted(c, later, earlierHigherId, earlier)).containsExactly(earlier, earlierHigherId, later);
        // Past the one-day horizon urgency is 1 for both: the deadline still decides.
        ClaimRequest urgent = claim(Map.of(), 1);
        Candidate inThreeDays = new Candidate("x", NOW.plus(Duration.ofDays(3)), id(4));
        Candidate inTwoDays = new Candidate("x", NOW.plus(Duration.ofDays(2)), id(5));
        assertThat(sorted(urgent, inThreeDays, inTwoDays)).containsExactly(inTwoDays, inThreeDays);
    }

    @Test
    void idsBreakTiesUnsigned() {
        ClaimRequest c = claim(Map.of(), 0);
        Instant deadline = NOW.plus(Duration.ofHours(1));
        Candidate high = new Candidate("x", deadline, BatchId.parse("f0000000-0000-7000-8000-000000000000"));
        Candidate low = new Candidate("x", deadline, BatchId.parse("10000000-0000-7000-8000-000000000000"));
        assertThat(sorted(c, high, low)).containsExactly(low, high);
    }

    @Test
    void claimRequestChecksLimitAndWeight() {
        assertThat(new ClaimRequest(0, DAEMON, null, null, 0).limit()).isZero();
        assertThat(new ClaimRequest(0, DAEMON, null, null, 1).capacity()).isEmpty();
        assertThat(new ClaimRequest(0, DAEMON, null, null, 1).userActiveCounts()).isEmpty();
        assertThatThrownBy(() -> new ClaimRequest(-1, DAEMON, null, null, 0.5))
                .isInstanceOf(BatchStorageException.Validation.class).hasMessage("claim limit must not be negative");
        for (double bad : new double[] {-0.001, 1.001, Double.NaN}) {
            assertThatThrownBy(() -> new ClaimRequest(1, DAEMON, null, null, bad))
                    .as("weight %s", bad)
                    .isInstanceOf(BatchStorageException.Validation.class).hasMessage("urgencyWeight must be within 0..1");
        }
        assertThatThrownBy(() -> new ClaimRequest(1, null, null, null, 0.5)).isInstanceOf(NullPointerException.class);
        ClaimRequest of = ClaimRequest.of(7, DAEMON, Map.of("m", 2));
        assertThat(of).isEqualTo(new ClaimRequest(7, DAEMON, Map.of("m", 2), Map.of(), 0.5));
        assertThat(of.capacity()).isEqualTo(Map.of("m", 2));
        assertThat(of.userActiveCounts()).isEmpty();
        assertThat(of.urgencyWeight()).isEqualTo(0.5);
        HashMap<String, Integer> capacity = new HashMap<>(Map.of("m", 2));
        ClaimRequest copied = new ClaimRequest(1, DAEMON, capacity, Map.of("alice", 3), 0.5);
        capacity.put("n", 1);
        assertThat(copied.capacity()).isEqualTo(Map.of("m", 2));
        assertThat(copied.userActiveCounts()).isEqualTo(Map.of("alice", 3));
    }
}
