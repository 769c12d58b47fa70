package dev.salvo.http.batch.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time check that decides which upload lines need the UTF-8 decoder. */
class AsciiCheckTest {

    @Test
    void aByteAt0x80OrAboveIsFoundAtEveryPositionAndEveryLength() {
        for (int length = 0; length <= 40; length++) {
            byte[] line = "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
            assertThat(TemplateLineParser.isAscii(line, length)).as("all ASCII, length %d", length).isTrue();
            for (int at = 0; at < length; at++) {
                for (int value : new int[] {0x80, 0xC3, 0xFF}) {
                    byte[] copy = line.clone();
                    copy[at] = (byte) value;
                    assertThat(TemplateLineParser.isAscii(copy, length)).as("0x%X at %d of %d", value, at, length).isFalse();
                }
            }
        }
    }

    @Test
    void onlyTheFirstLengthBytesCount() {
        byte[] line = "{\"a\":1}é".getBytes(StandardCharsets.UTF_8);
        assertThat(TemplateLineParser.isAscii(line, 7)).isTrue();
        assertThat(TemplateLineParser.isAscii(line, line.length)).isFalse();
    }
}
