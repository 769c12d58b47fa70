package dev.salvo.app.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    private static final long SECOND = 1_000_000_000L;

    private final StringWriter text = new StringWriter();
    private final AtomicLong clock = new AtomicLong();

    private ProgressDisplay display(boolean inPlace) {
        return new ProgressDisplay(new PrintWriter(text), inPlace, clock::get, Duration.ofSeconds(10));
    }

    @Test
    void offATerminalItPrintsPlainLinesAtMostOncePerPeriod() {
        ProgressDisplay display = display(false);
        display.update(100, 0, 0, "validating");
        clock.set(SECOND);
        display.update(100, 0, 0, "in_progress");
        for (int s = 2; s <= 9; s++) {
            clock.set(s * SECOND);
            display.update(100, s * 5L, 0, "in_progress");
        }
        clock.set(12 * SECOND);
        display.update(100, 60, 1, "in_progress");
        clock.set(13 * SECOND);
        display.update(100, 99, 1, "finalizing");
        clock.set(14 * SECOND);
        display.update(100, 99, 1, "completed");
        display.finish();

        String out = text.toString();
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines().toList()).containsExactly(
                "[....................] 0/100 done, 0 failed · -- req/s · ETA --:-- · validating",
                "[....................] 0/100 done, 0 failed · 0 req/s · ETA --:--",
                "[############........] 61/100 done, 1 failed · 5.1 req/s · ETA 0:08",
                "[####################] 100/100 done, 1 failed · 8.5 req/s · ETA 0:00 · finalizing",
                "[####################] 100/100 done, 1 failed · 8.0 req/s · ETA 0:00 · completed");
    }

    @Test
    void offATerminalTheLastStateIsPrintedAtTheEnd() {
        ProgressDisplay display = display(false);
        display.update(10, 0, 0, "in_progress");
        clock.set(SECOND);
        display.update(10, 5, 0, "in_progress");
        display.finish();
        assertThat(text.toString().lines().toList()).hasSize(2).last().asString().startsWith("[##########..........] 5/10 done");
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlace() {
        ProgressDisplay display = display(true);
        display.update(1000, 0, 0, "validating");
        clock.set(SECOND);
        display.update(1000, 500, 0, "in_progress");
        display.finish();

        String out = text.toString();
        assertThat(out).startsWith("\r[").endsWith("\n").doesNotContain("\n\r");
        String[] frames = out.substring(1, out.length() - 1).split("\r");
        assertThat(frames).hasSize(2);
        assertThat(frames[0]).endsWith(" · validating");
        assertThat(frames[1]).startsWith("[##########..........] 500/1,000 done, 0 failed · 500 req/s · ETA 0:01");
        assertThat(frames[1]).as("the shorter line blanks out the rest of the longer one").hasSize(frames[0].length());
    }

    @Test
    void aMessageAfterTheBarStartsOnItsOwnLine() {
        ProgressDisplay display = display(true);
        display.update(10, 1, 0, "in_progress");
        display.breakLine();
        display.breakLine();
        assertThat(text.toString()).endsWith(" · -- req/s · ETA --:--\n");
    }
}
