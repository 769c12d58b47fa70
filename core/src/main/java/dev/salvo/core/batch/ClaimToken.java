package dev.salvo.core.batch;

import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of one claim: the daemon that holds it and when it was taken. Every write a claim holder
 * makes presents it, and the store applies the write only while the request is still held under this
 * very claim (a compare-and-set on both fields, like db-scheduler's {@code … and version = ?}). The
 * claim time is part of the token so that a request reclaimed and claimed again — even by the same
 * daemon — is a different claim: the first claim's late writes are fenced out.
 */
public record ClaimToken(DaemonId daemonId, Instant claimedAt) {

    public ClaimToken {
        Objects.requireNonNull(daemonId, "daemonId");
        Objects.requireNonNull(claimedAt, "claimedAt");
    }

    /** The claim a claimed or processing state is held under; empty for every other state. */
    public static Optional<ClaimToken> of(RequestState state) {
        return switch (state) {
            case RequestState.Claimed c -> Optional.of(new ClaimToken(c.daemonId(), c.claimedAt()));
            case RequestState.Processing p -> Optional.of(new ClaimToken(p.daemonId(), p.claimedAt()));
            default -> Optional.empty();
        };
    }

    /** The claim of a state the caller knows is held (what {@code claimRequests} returned, or its start). */
    public static ClaimToken held(RequestState state) {
        return of(state).orElseThrow(() -> new IllegalArgumentException("a " + state.kind().wire() + " request is not held"));
    }

    /** Whether {@code state} is held under this claim. */
    public boolean holds(RequestState state) {
        return of(state).map(this::equals).orElse(false);
    }
}
