package dev.salvo.core.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidsTest {

    @Test
    void parseAcceptsTheCanonicalFormInEitherCase() {
        assertThat(Uuids.parse("0190a4c4-1e2f-7a3b-8c4d-5e6f708192a3", "x"))
                .isEqualTo(new UUID(0x0190a4c41e2f7a3bL, 0x8c4d5e6f708192a3L));
        assertThat(Uuids.parse("0190A4C4-1E2F-7A3B-8C4D-5E6F708192A3", "x"))
                .isEqualTo(new UUID(0x0190a4c41e2f7a3bL, 0x8c4d5e6f708192a3L));
    }

    @Test
    void parseRejectsShortenedGroupsWrongLengthsAndNonHex() {
        assertThatThrownBy(() -> Uuids.parse(null, "widget"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a widget id: null").hasNoCause();
        assertThatThrownBy(() -> Uuids.parse("1-1-1-1-1", "widget"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a widget id: 1-1-1-1-1").hasNoCause();
        // 36 characters that UUID.fromString accepts as 00000001-0001-0001-0001-000000000001
        assertThatThrownBy(() -> Uuids.parse("0000001-00001-0001-0001-000000000001", "widget"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a widget id: 0000001-00001-0001-0001-000000000001");
        assertThatThrownBy(() -> Uuids.parse("0190a4c4-1e2f-7a3b-8c4d-5e6f708192a", "widget"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a widget id: 0190a4c4-1e2f-7a3b-8c4d-5e6f708192a");
        assertThatThrownBy(() -> Uuids.parse("0190a4c4-1e2f-7a3b-8c4d-5e6f708192a3b", "widget"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Uuids.parse("zzzzzzzz-1e2f-7a3b-8c4d-5e6f708192a3", "widget"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a widget id: zzzzzzzz-1e2f-7a3b-8c4d-5e6f708192a3")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compareIsUnsignedOnBothHalves() {
        UUID zero = new UUID(0, 0);
        UUID topBitHigh = new UUID(0x8000_0000_0000_0000L, 0);
        UUID topBitLow = new UUID(0, 0x8000_0000_0000_0000L);
        UUID one = new UUID(0, 1);
        // Signed UUID.compareTo would put the top-bit values first.
        assertThat(Uuids.compare(zero, topBitHigh)).isEqualTo(-1);
        assertThat(Uuids.compare(topBitHigh, zero)).isEqualTo(1);
        assertThat(Uuids.compare(one, topBitLow)).isEqualTo(-1);
        assertThat(Uuids.compare(topBitLow, one)).isEqualTo(1);
        assertThat(Uuids.compare(topBitLow, new UUID(0, 0x8000_0000_0000_0000L))).isZero();
        // The high half decides before the low half.
        assertThat(Uuids.compare(new UUID(1, 0), new UUID(0, -1))).isEqualTo(1);
        assertThat(Uuids.compare(new UUID(0, -1), new UUID(1, 0))).isEqualTo(-1);
    }

    @Test
    void nextGeneratesVersion7Ids() {
        UUID a = Uuids.next();
        UUID b = Uuids.next();
        assertThat(a.version()).isEqualTo(7);
        assertThat(a.variant()).isEqualTo(2);
        assertThat(a).isNotEqualTo(b);
    }
}
