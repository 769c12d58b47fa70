package dev.salvo.app.cli.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The maths of a progress bar: a rate over a sliding window of samples, an ETA from it, and the line
 * that shows both:
 *
 * <pre>[#######.....] 1,234/5,000 done, 12 failed · 210 req/s · ETA 0:18</pre>
 *
 * "Done" counts every finished request, failed ones included (they are finished too, and the bar and ETA
 * are about what is left to do); "failed" says how many of them failed. Not thread-safe.
 */
public final class ProgressMeter {

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

    private record Sample(long nanos, long done) {
    }

    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public ProgressMeter() {
        this(DEFAULT_WINDOW);
    }

    public ProgressMeter(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive");
        }
        this.windowNanos = window.toNanos();
    }

    /**
     * Adds a sample: {@code done} finished requests at {@code nanos} (any monotonic clock, e.g. {@link System#nanoTime}).
     * A count that goes down (failed requests retried) starts the window afresh.
     */
    public void record(long nanos, long done) {
        Sample last = samples.peekLast();
        if (last != null && (done < last.done() || nanos < last.nanos())) {
            samples.clear();
        }
        samples.addLast(new Sample(nanos, done));
        // Keep the newest sample at or before the window's start, so the rate spans the whole window.
        while (samples.size() > 2) {
            Sample oldest = samples.removeFirst();
            if (samples.peekFirst().nanos() > nanos - windowNanos) {
                samples.addFirst(oldest);
                break;
            }
        }
    }

    /** Requests per second over the window; empty until two samples some time apart. */
    public OptionalDouble rate() {
        if (samples.size() < 2) {
            return OptionalDouble.empty();
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long elapsed = last.nanos() - first.nanos();
        if (elapsed <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((last.done() - first.done()) * 1e9 / elapsed);
    }

    /** Time left at the current rate; zero once all are done, empty while there is no progress to go by. */
    public Optional<Duration> eta(long total) {
        Sample last = samples.peekLast();
        if (last == null) {
            return Optional.empty();
        }
        long remaining = total - last.done();
        if (remaining <= 0) {
            return Optional.of(Duration.ZERO);
        }
        OptionalDouble rate = rate();
        if (rate.isEmpty() || rate.getAsDouble() <= 0) {
            return Optional.empty();
        }
        double seconds = Math.ceil(remaining / rate.getAsDouble());
        return Optional.of(Duration.ofSeconds((long) Math.min(seconds, 1e15)));
    }

    /** The line for the current window: {@link #line(long, long, long, OptionalDouble, Optional, int)} with this meter's rate and ETA. */
    public String line(long total, long completed, long failed, int barWidth) {
        return line(total, completed, failed, rate(), eta(total), barWidth);
    }

    /** {@code [#######.....] 1,234/5,000 done, 12 failed · 210 req/s · ETA 0:18}; the bar is {@code barWidth} characters between its brackets. */
    public static String line(long total, long completed, long failed, OptionalDouble rate, Optional<Duration> eta, int barWidth) {
        long done = completed + failed;
        return bar(done, total, barWidth) + " " + count(done) + "/" + count(total) + " done, " + count(failed) + " failed"
                + " · " + rate(rate) + " · ETA " + eta.map(ProgressMeter::duration).orElse("--:--");
    }

    /** Full only when everything is done: the filled part rounds down. */
    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, Math.max(0, done) * (long) width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 210 req/s}, {@code 12 req/s}, {@code 2.5 req/s}, {@code 0.25 req/s}; {@code -- req/s} when unknown. */
    static String rate(OptionalDouble rate) {
        if (rate.isEmpty()) {
            return "-- req/s";
        }
        double r = rate.getAsDouble();
        String number;
        if (r >= 10) {
            number = String.format(Locale.ROOT, "%,d", Math.round(r));
        } else if (r >= 1) {
            number = String.format(Locale.ROOT, "%.1f", r);
        } else if (r > 0) {
            number = String.format(Locale.ROOT, "%.2f", r);
        } else {
            number = "0";
        }
        return number + " req/s";
    }

    /** {@code 0:18}, {@code 12:05}, {@code 1:02:03}; beyond 99 hours {@code >99h}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
        long hours = s / 3600;
        if (hours > 99) {
            return ">99h";
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", hours, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
