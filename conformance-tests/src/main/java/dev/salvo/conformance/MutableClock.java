package dev.salvo.conformance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the contract moves by hand, for adapters that declare {@link Capability#CONTROLLABLE_CLOCK}:
 * deadlines, heartbeats and backoffs are tested by advancing it, never by sleeping.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** Starts at a fixed, microsecond-aligned instant so stored timestamps compare exactly in every backend. */
    public static MutableClock startingAtFixedPoint() {
        return new MutableClock(Instant.parse("2026-03-01T12:00:00.000000Z"));
    }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
