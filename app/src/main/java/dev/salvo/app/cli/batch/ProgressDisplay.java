package dev.salvo.app.cli.batch;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Draws a batch's progress on stderr: on a terminal one line redrawn in place with {@code \r}; anywhere
 * else (a pipe, a CI log) plain lines, one when the status changes and otherwise at most one per
 * {@code every}, so a log gets a steady heartbeat instead of a wall of carriage returns.
 */
final class ProgressDisplay {

    static final int BAR_WIDTH = 20;
    static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    /** How progress is shown: {@code auto} picks {@code bar} on a terminal and {@code lines} elsewhere. */
    enum Mode { AUTO, BAR, LINES, NONE }

    private final PrintWriter err;
    private final boolean inPlace;
    private final LongSupplier nanoClock;
    private final long everyNanos;
    private final ProgressMeter meter = new ProgressMeter();
    private int drawnWidth;
    private String lastPrinted;
    private String lastStatus;
    private long lastPrintedAt;
    private String current;

    ProgressDisplay(PrintWriter err, boolean inPlace, LongSupplier nanoClock, Duration every) {
        this.err = err;
        this.inPlace = inPlace;
        this.nanoClock = nanoClock;
        this.everyNanos = every.toNanos();
    }

    static ProgressDisplay forMode(Mode mode, PrintWriter err) {
        return switch (mode) {
            case NONE -> null;
            case BAR -> new ProgressDisplay(err, true, System::nanoTime, PLAIN_EVERY);
            case LINES -> new ProgressDisplay(err, false, System::nanoTime, PLAIN_EVERY);
            case AUTO -> new ProgressDisplay(err, isTerminal(), System::nanoTime, PLAIN_EVERY);
        };
    }

    /**
     * Whether the user watches a terminal. Since JDK 22 {@code System.console()} may be non-null when
     * redirected, and {@code Console.isTerminal()} (JDK 22+) tells; this code targets 21, so it asks reflectively.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }

    /** A new poll: the counts and status of the batch. */
    void update(long total, long completed, long failed, String status) {
        long now = nanoClock.getAsLong();
        meter.record(now, completed + failed);
        String line = meter.line(total, completed, failed, BAR_WIDTH);
        if (status != null && !status.equals("in_progress")) {
            line += " · " + status;
        }
        current = line;
        boolean statusChanged = lastStatus == null || !lastStatus.equals(status);
        lastStatus = status;
        if (inPlace) {
            draw(line);
        } else if (statusChanged || lastPrinted == null || now - lastPrintedAt >= everyNanos && !line.equals(lastPrinted)) {
            err.println(line);
            lastPrinted = line;
            lastPrintedAt = now;
        }
        err.flush();
    }

    /** Ends the display: the bar's line is closed, a plain log gets the final line if it has not got it yet. */
    void finish() {
        if (inPlace) {
            if (drawnWidth > 0) {
                err.println();
                drawnWidth = 0;
            }
        } else if (current != null && !current.equals(lastPrinted)) {
            err.println(current);
            lastPrinted = current;
        }
        err.flush();
    }

    /** A line break after the bar, so that a message printed next starts on its own line. */
    void breakLine() {
        if (inPlace && drawnWidth > 0) {
            err.println();
            drawnWidth = 0;
            err.flush();
        }
    }

    private void draw(String line) {
        StringBuilder text = new StringBuilder("\r").append(line);
        int length = line.codePointCount(0, line.length());
        if (length < drawnWidth) {
            text.append(" ".repeat(drawnWidth - length)); // erase what the longer previous line left behind
        }
        err.print(text);
        drawnWidth = Math.max(length, 0);
    }

    /** The rate meter behind the display (the summary reuses it). */
    ProgressMeter meter() {
        return meter;
    }
}
