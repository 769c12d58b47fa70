package dev.salvo.core.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;


/**
 * The order in which batches are served by a claim, lowest score first:
 * {@code (1 − w) × activeCount(owner) / max(1, max activeCount) + w × clamp(timeLeft / 1 day, 0, 1)},
 * ties broken by earliest deadline, then batch id. With {@code w = 0} owners with fewer requests in
 * flight go first; with {@code w = 1} it is earliest-deadline-first. The PostgreSQL adapter computes
 * the same expression in SQL.
 */
public final class ClaimScoring {

    private static final double DAY_SECONDS = Duration.ofDays(1).toSeconds();

    private ClaimScoring() {
    }

    public static double score(String owner, Instant expiresAt, ClaimRequest claim, Instant now) {
        return score(owner, expiresAt, claim, maxActive(claim), now);
    }

    private static int maxActive(ClaimRequest claim) {
        return claim.userActiveCounts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static double score(String owner, Instant expiresAt, ClaimRequest claim, int maxActive, Instant now) {
        double fairness = claim.userActiveCounts().getOrDefault(owner, 0) / (double) Math.max(1, maxActive);
        double secondsLeft = Duration.between(now, expiresAt).toMillis() / 1000.0;
        double urgency = Math.min(1, Math.max(0, secondsLeft / DAY_SECONDS));
        return (1 - claim.urgencyWeight()) * fairness + claim.urgencyWeight() * urgency;
    }

    /** Orders candidate batches (owner, deadline, id) for one claim; the owners' maximum load is computed once. */
    public static <B> Comparator<B> order(ClaimRequest claim, Instant now, java.util.function.Function<B, String> owner,
                                          java.util.function.Function<B, Instant> expiresAt,
                                          java.util.function.Function<B, BatchId> id) {
        int maxActive = maxActive(claim);
        return Comparator.<B>comparingDouble(b -> score(owner.apply(b), expiresAt.apply(b), claim, maxActive, now))
                .thenComparing(expiresAt)
                .thenComparing(id);
    }
}
