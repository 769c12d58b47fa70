package dev.salvo.app.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theLineHasTheDocumentedShape() {
        String line = ProgressMeter.line(5_000, 1_222, 12, OptionalDouble.of(210.4), Optional.of(Duration.ofSeconds(18)), 12);
        assertThat(line).isEqualTo("[##..........] 1,234/5,000 done, 12 failed · 210 req/s · ETA 0:18");
    }

    @Test
    void theBarHasItsWidthWhateverTheCounts() {
        for (long done : new long[] {0, 1, 499, 500, 999, 1000, 2000}) {
            for (int width : new int[] {1, 10, 20, 37}) {
                String bar = ProgressMeter.bar(done, 1000, width);
                assertThat(bar).hasSize(width + 2).startsWith("[").endsWith("]");
            }
        }
        assertThat(ProgressMeter.bar(0, 1000, 10)).isEqualTo("[..........]");
        assertThat(ProgressMeter.bar(500, 1000, 10)).isEqualTo("[#####.....]");
        assertThat(ProgressMeter.bar(999, 1000, 10)).as("full only when all are done").isEqualTo("[#########.]");
        assertThat(ProgressMeter.bar(1000, 1000, 10)).isEqualTo("[##########]");
        assertThat(ProgressMeter.bar(0, 0, 10)).as("a batch with no count yet").isEqualTo("[..........]");
        assertThat(ProgressMeter.bar(5, 3, 4)).isEqualTo("[####]");
    }

    @Test
    void ratesAreFormattedToAUsefulPrecision() {
        assertThat(ProgressMeter.rate(OptionalDouble.empty())).isEqualTo("-- req/s");
        assertThat(ProgressMeter.rate(OptionalDouble.of(0))).isEqualTo("0 req/s");
        assertThat(ProgressMeter.rate(OptionalDouble.of(0.25))).isEqualTo("0.25 req/s");
        assertThat(ProgressMeter.rate(OptionalDouble.of(2.54))).isEqualTo("2.5 req/s");
        assertThat(ProgressMeter.rate(OptionalDouble.of(12.4))).isEqualTo("12 req/s");
        assertThat(ProgressMeter.rate(OptionalDouble.of(12_345.6))).isEqualTo("12,346 req/s");
    }

    @Test
    void durationsReadAsAClock() {
        assertThat(ProgressMeter.duration(Duration.ZERO)).isEqualTo("0:00");
        assertThat(ProgressMeter.duration(Duration.ofSeconds(18))).isEqualTo("0:18");
        assertThat(ProgressMeter.duration(Duration.ofMillis(17_200))).as("rounded up").isEqualTo("0:18");
        assertThat(ProgressMeter.duration(Duration.ofSeconds(725))).isEqualTo("12:05");
        assertThat(ProgressMeter.duration(Duration.ofSeconds(3723))).isEqualTo("1:02:03");
        assertThat(ProgressMeter.duration(Duration.ofHours(150))).isEqualTo(">99h");
    }

    @Test
    void rateAndEtaAreUnknownUntilThereIsProgress() {
        ProgressMeter meter = new ProgressMeter(Duration.ofSeconds(10));
        assertThat(meter.rate()).isEmpty();
        assertThat(meter.eta(100)).isEmpty();
        meter.record(0, 0);
        assertThat(meter.rate()).as("one sample is no rate").isEmpty();
        meter.record(2 * SECOND, 0);
        assertThat(meter.rate()).hasValue(0.0);
        assertThat(meter.eta(100)).as("no progress, no ETA").isEmpty();
        assertThat(meter.line(100, 0, 0, 10)).isEqualTo("[..........] 0/100 done, 0 failed · 0 req/s · ETA --:--");
        meter.record(4 * SECOND, 20);
        assertThat(meter.rate().getAsDouble()).isCloseTo(5.0, within(1e-9));
        assertThat(meter.eta(100)).hasValue(Duration.ofSeconds(16));
    }

    @Test
    void theRateFollowsASlidingWindow() {
        ProgressMeter meter = new ProgressMeter(Duration.ofSeconds(10));
        // 100 req/s for 20 s, then 10 req/s: after 10 s more the old pace has left the window.
        long done = 0;
        for (int s = 0; s <= 20; s++) {
            meter.record(s * SECOND, done);
            done += 100;
        }
        assertThat(meter.rate().getAsDouble()).isCloseTo(100.0, within(1e-9));
        done -= 100;
        for (int s = 21; s <= 30; s++) {
            done += 10;
            meter.record(s * SECOND, done);
        }
        assertThat(meter.rate().getAsDouble()).isCloseTo(10.0, within(1e-9));
        assertThat(meter.eta(done + 50)).hasValue(Duration.ofSeconds(5));
    }

    @Test
    void theWindowSpansItsWholeLengthWhenPollsAreSparse() {
        ProgressMeter meter = new ProgressMeter(Duration.ofSeconds(10));
        meter.record(0, 0);
        meter.record(30 * SECOND, 300);
        assertThat(meter.rate().getAsDouble()).as("two samples further apart than the window still give a rate")
                .isCloseTo(10.0, within(1e-9));
        meter.record(31 * SECOND, 301);
        assertThat(meter.rate().getAsDouble()).isCloseTo(301.0 / 31, within(1e-9));
        meter.record(45 * SECOND, 451);
        assertThat(meter.rate().getAsDouble()).isCloseTo(150.0 / 14, within(1e-9));
    }

    @Test
    void aCountThatGoesDownRestartsTheWindow() {
        ProgressMeter meter = new ProgressMeter(Duration.ofSeconds(10));
        meter.record(0, 0);
        meter.record(SECOND, 50);
        meter.record(2 * SECOND, 40); // failed requests retried: fewer are done now
        assertThat(meter.rate()).isEmpty();
        assertThat(meter.eta(100)).isEmpty();
        meter.record(3 * SECOND, 45);
        assertThat(meter.rate().getAsDouble()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void etaIsZeroOnceAllAreDone() {
        ProgressMeter meter = new ProgressMeter();
        meter.record(0, 10);
        assertThat(meter.eta(10)).hasValue(Duration.ZERO);
        assertThat(meter.line(10, 8, 2, 4)).isEqualTo("[####] 10/10 done, 2 failed · -- req/s · ETA 0:00");
    }
}
