package dev.salvo.http.batch.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartReaderTest {

    private static final String BOUNDARY = "XyZ-boundary-123";

    /** Hands out the bytes in pieces of random size, as a network does. */
    private static InputStream dribble(byte[] bytes, long seed) {
        Random random = new Random(seed);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 1 + random.nextInt(9000)), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    private static byte[] body(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("preamble to ignore\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dätä.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void streamsPartsExactlyWhateverTheChunking(long seed) throws IOException {
        // Near-misses of the delimiter inside the content, around the reader's buffer size.
        byte[] file = new byte[300_000];
        new Random(seed).nextBytes(file);
        byte[] nearMiss = ("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "!").getBytes(StandardCharsets.UTF_8);
        for (int at : new int[]{0, 65_530, 65_536 - nearMiss.length / 2, 131_000, file.length - nearMiss.length}) {
            System.arraycopy(nearMiss, 0, file, at, nearMiss.length);
        }
        MultipartReader reader = MultipartReader.open(dribble(body(file), seed), BOUNDARY);
        MultipartReader.Part purpose = reader.next().orElseThrow();
        assertThat(purpose.name()).isEqualTo("purpose");
        assertThat(purpose.filename()).isNull();
        assertThat(new String(purpose.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("batch");
        MultipartReader.Part part = reader.next().orElseThrow();
        assertThat(part.name()).isEqualTo("file");
        assertThat(part.filename()).isEqualTo("dätä.jsonl");
        assertThat(Arrays.equals(part.body().readAllBytes(), file)).isTrue();
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void skipsAPartThatWasNotRead() throws IOException {
        MultipartReader reader = MultipartReader.open(new ByteArrayInputStream(body("abc".getBytes())), BOUNDARY);
        reader.next().orElseThrow();
        assertThat(reader.next().orElseThrow().name()).isEqualTo("file");
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void aBodyCutShortIsMalformed() throws IOException {
        byte[] whole = body(new byte[10_000]);
        MultipartReader reader = MultipartReader.open(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 30)), BOUNDARY);
        reader.next().orElseThrow();
        MultipartReader.Part file = reader.next().orElseThrow();
        assertThatThrownBy(() -> file.body().readAllBytes()).isInstanceOf(MultipartReader.MalformedException.class);
    }

    @Test
    void readsTheBoundaryFromTheContentType() {
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=abc")).contains("abc");
        assertThat(MultipartReader.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\"")).contains("a b;c");
        assertThat(MultipartReader.boundary("application/json")).isEmpty();
        assertThat(MultipartReader.boundary("multipart/form-data")).isEmpty();
        assertThat(MultipartReader.boundary(null)).isEmpty();
    }
}
