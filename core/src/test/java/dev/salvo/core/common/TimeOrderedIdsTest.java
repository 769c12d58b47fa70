package dev.salvo.core.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    /** 2026-03-01T10:00:00.123Z is 1772359200123 ms = 0x19CA8D72D7B. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00.123Z"), ZoneOffset.UTC);

    @Test
    void theFirst48BitsAreTheClocksMilliseconds() {
        UUID id = new TimeOrderedIds(CLOCK).next();
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(1_772_359_200_123L);
        assertThat(id.toString()).startsWith("019ca8d7-2d7b-7");
    }

    @Test
    void versionSevenVariantTwo() {
        TimeOrderedIds ids = new TimeOrderedIds(CLOCK);
        for (int i = 0; i < 200; i++) {
            UUID id = ids.next();
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat((id.getMostSignificantBits() >>> 12) & 0xF).isEqualTo(7);
            assertThat(id.getLeastSignificantBits() >>> 62).isEqualTo(2);
        }
    }

    @Test
    void bothRandomPartsVaryWithinOneMillisecond() {
        TimeOrderedIds ids = new TimeOrderedIds(CLOCK);
        Set<Long> randA = new HashSet<>();
        Set<Long> randB = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            UUID id = ids.next();
            randA.add(id.getMostSignificantBits() & 0xFFF);
            randB.add(id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL);
        }
        assertThat(randA).hasSizeGreaterThan(150);
        assertThat(randB).hasSize(200);
        assertThat(randA).allMatch(v -> v >= 0 && v < 4096);
    }

    @Test
    void idsSortByTimeAcrossMilliseconds() {
        UUID earlier = new TimeOrderedIds(CLOCK).next();
        UUID later = new TimeOrderedIds(Clock.offset(CLOCK, java.time.Duration.ofMillis(1))).next();
        assertThat(Uuids.compare(earlier, later)).isEqualTo(-1);
        assertThat(earlier.toString().compareTo(later.toString())).isNegative();
    }

    @Test
    void nextStringIsTheCanonicalText() {
        String text = new TimeOrderedIds(CLOCK).nextString();
        assertThat(text).hasSize(36).startsWith("019ca8d7-2d7b-7").matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void aClockIsRequired() {
        assertThatThrownBy(() -> new TimeOrderedIds(null)).isInstanceOf(NullPointerException.class);
    }
}
