package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written timestamp text of the group UPDATE says exactly what the instant says. */
class GroupPersistEncodingTest {

    private static final DateTimeFormatter ISO_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSx");

    @Test
    void timestampsReadBackAsTheSameMicrosecond() {
        SplittableRandom random = new SplittableRandom(42);
        List<Instant> samples = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-11-22T13:40:04.000001Z"),
                Instant.parse("1999-12-31T23:59:59.999999Z"), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z")));
        for (int i = 0; i < 10_000; i++) {
            samples.add(Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000))
                    .truncatedTo(ChronoUnit.MICROS));
        }
        for (Instant instant : samples) {
            String text = GroupPersist.timestamp(instant);
            assertThat(OffsetDateTime.parse(text, ISO_WITH_OFFSET).toInstant()).as(text).isEqualTo(instant);
            assertThat(text).hasSize(29).endsWith("+00");
        }
    }

    @Test
    void yearsBeyondFourDigitsStillHaveNoSign() {
        Instant far = OffsetDateTime.of(12_345, 6, 7, 8, 9, 10, 123_456_000, ZoneOffset.UTC).toInstant();
        assertThat(GroupPersist.timestamp(far)).isEqualTo("12345-06-07 08:09:10.123456+00");
    }
}
