package dev.salvo.storage.filesystem.batch;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The line format of {@code requests.log}: {@code <crc32c of the json, 8 hex digits> <json>\n}. The
 * checksum lets a reader tell a complete record from one torn by a crash, while the file stays readable
 * with {@code less} and {@code cut -c10- | jq}.
 */
final class Framing {

    static final int PREFIX = 9;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Framing() {
    }

    /** The framed line for {@code json} (which must not contain a raw newline; JSON escapes them). */
    static byte[] frame(byte[] json) {
        byte[] line = new byte[PREFIX + json.length + 1];
        long crc = crc(json, 0, json.length);
        for (int i = 7; i >= 0; i--) {
            line[7 - i] = HEX[(int) (crc >>> (i * 4)) & 0xF];
        }
        line[8] = ' ';
        System.arraycopy(json, 0, line, PREFIX, json.length);
        line[line.length - 1] = '\n';
        return line;
    }

    /** Whether {@code length} bytes at {@code offset} (a line without its newline) are an intact record. */
    static boolean intact(byte[] line, int offset, int length) {
        if (length < PREFIX + 2 || line[offset + 8] != ' ') {
            return false;
        }
        long expected = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(line[offset + i], 16);
            if (digit < 0) {
                return false;
            }
            expected = (expected << 4) | digit;
        }
        return crc(line, offset + PREFIX, length - PREFIX) == expected;
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
