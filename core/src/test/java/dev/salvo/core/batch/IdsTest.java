package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BatchId, FileId, TemplateId and RequestId share one rule: the canonical UUID text, unsigned order. */
class IdsTest {

    private static final String LOW = "10000000-0000-7000-8000-000000000000";
    private static final String HIGH = "f0000000-0000-7000-8000-000000000000";

    /** An id type: its name in messages, its parser, its generator and its value. */
    record Kind<T extends Comparable<T>>(String what, Function<String, T> parse, Supplier<T> generate,
                                         Function<T, UUID> value) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(new Kind<>("batch", BatchId::parse, BatchId::generate, BatchId::value)),
                Arguments.of(new Kind<>("file", FileId::parse, FileId::generate, FileId::value)),
                Arguments.of(new Kind<>("template", TemplateId::parse, TemplateId::generate, TemplateId::value)),
                Arguments.of(new Kind<>("request", RequestId::parse, RequestId::generate, RequestId::value)));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    <T extends Comparable<T>> void parsesTheCanonicalFormAndPrintsItBack(Kind<T> kind) {
        T id = kind.parse().apply("0190a4c4-1e2f-7a3b-8c4d-5e6f708192a3");
        assertThat(kind.value().apply(id)).isEqualTo(new UUID(0x0190a4c41e2f7a3bL, 0x8c4d5e6f708192a3L));
        assertThat(id.toString()).isEqualTo("0190a4c4-1e2f-7a3b-8c4d-5e6f708192a3");
        // Upper case is the same id, printed in lower case.
        assertThat(kind.parse().apply("0190A4C4-1E2F-7A3B-8C4D-5E6F708192A3")).isEqualTo(id);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    <T extends Comparable<T>> void rejectsEverythingElse(Kind<T> kind) {
        for (String bad : new String[] {null, "", "1-1-1-1-1", "0190a4c4-1e2f-7a3b-8c4d-5e6f708192a",
                "0190a4c4-1e2f-7a3b-8c4d-5e6f708192a3a", "0190a4c4x1e2f-7a3b-8c4d-5e6f708192a3",
                "zzzzzzzz-1e2f-7a3b-8c4d-5e6f708192a3",
                // 36 characters that UUID.fromString accepts, but not in canonical groups
                "0000001-00001-0001-0001-000000000001", "000000000000001-1-1-1-00000000000000"}) {
            assertThatThrownBy(() -> kind.parse().apply(bad))
                    .as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a " + kind.what() + " id: " + bad);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    <T extends Comparable<T>> void ordersUnsignedLikePostgres(Kind<T> kind) {
        T low = kind.parse().apply(LOW);
        T high = kind.parse().apply(HIGH);
        assertThat(low.compareTo(high)).isNegative();
        assertThat(high.compareTo(low)).isPositive();
        assertThat(low.compareTo(kind.parse().apply(LOW))).isZero();
        // Same high half: the low half decides, unsigned as well.
        T lowTail = kind.parse().apply("10000000-0000-7000-0000-000000000001");
        T highTail = kind.parse().apply("10000000-0000-7000-f000-000000000000");
        assertThat(lowTail.compareTo(highTail)).isNegative();
        assertThat(highTail.compareTo(lowTail)).isPositive();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    <T extends Comparable<T>> void generatesTimeOrderedUuids(Kind<T> kind) {
        T a = kind.generate().get();
        T b = kind.generate().get();
        assertThat(kind.value().apply(a).version()).isEqualTo(7);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aValueIsRequired() {
        assertThatThrownBy(() -> new BatchId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new FileId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TemplateId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RequestId(null)).isInstanceOf(NullPointerException.class);
    }
}
