package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both ways of measuring a text's UTF-8 length agree with what {@code RequestTemplateInput#bodyByteSize} counts. */
class TemplateCodecTest {

    private static long encoded(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void countingAgreesWithEncodingForEveryKindOfChar() {
        List<String> texts = List.of("", "ascii", "é", "€", "😀", "a😀b", "\uD83D", "x\uDE00y", "\uD83D\uD83D\uDE00",
                "{\"content\":\"naïve 日本 😀\"}");
        for (String text : texts) {
            assertThat(TemplateCodec.countUtf8(text)).as(text).isEqualTo(encoded(text));
            assertThat(TemplateCodec.utf8Length(text)).as(text).isEqualTo(encoded(text));
        }
    }

    @Test
    void randomTextsOnBothSidesOfTheEncodingThresholdMeasureTheSame() {
        Random random = new Random(42);
        char[] alphabet = {'a', '"', '\\', 'é', '€', '\uD83D', '\uDE00', '日'};
        for (int length : new int[] {1, 100, TemplateCodec.ENCODE_TO_MEASURE_MAX_CHARS, TemplateCodec.ENCODE_TO_MEASURE_MAX_CHARS + 1, 200_000}) {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            assertThat(TemplateCodec.utf8Length(s)).as("length %d", length).isEqualTo(encoded(s));
            assertThat(TemplateCodec.countUtf8(s)).as("length %d", length).isEqualTo(encoded(s));
        }
    }
}
