package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    private static final Path FILE = Path.of("00000000000000000003_cp.meta.json");

    private static final ThreadKey THREAD = ThreadKey.of("alice", "thread");

    private final MetadataCodec codec = new MetadataCodec();

    private final CheckpointMetadata stored = new CheckpointMetadata("cp", "thread", Instant.parse("2026-01-02T03:04:05.000001Z"),
            "parent", 9, "étape ✓ 🚀", List.of("z", "a", "z"), 0, Map.of("json", "{\"a\":[1]}\n\t", "ключ", "значение"), 0)
            .asStored(3, 12);

    @Test
    @DisplayName("every field round-trips, including microseconds and non-ASCII text")
    void roundTrip() {
        assertThat(codec.decode(codec.encode(THREAD, stored), FILE)).contains(new MetadataCodec.Decoded(THREAD, stored));
        CheckpointMetadata bare = CheckpointMetadata.of("c", "t", Instant.EPOCH, 0).asStored(1, 0);
        ThreadKey t = ThreadKey.of("b.o-b_1", "t");
        assertThat(codec.decode(codec.encode(t, bare), FILE)).contains(new MetadataCodec.Decoded(t, bare));
    }

    @Test
    @DisplayName("every truncation of a document reads as torn, never as a different checkpoint")
    void everyPrefixIsTorn() {
        byte[] document = codec.encode(THREAD, stored);
        for (int length = 0; length < document.length; length++) {
            assertThat(codec.decode(Arrays.copyOf(document, length), FILE)).as("first %d bytes", length).isEmpty();
        }
    }

    @Test
    @DisplayName("a zero-filled file reads as torn")
    void zeroedIsTorn() {
        assertThat(codec.decode(new byte[64], FILE)).isEmpty();
    }

    @Test
    @DisplayName("complete JSON that is not a format-1 or format-2 document is a Corrupt error naming the file")
    void invalidDocuments() {
        String valid = new String(codec.encode(THREAD, stored), StandardCharsets.UTF_8);
        List<String> invalid = List.of(
                "[]",
                "\"text\"",
                valid.replace("\"format\" : 2", "\"format\" : 3"),
                valid.replace("\"format\" : 2", "\"format\" : 0"),
                valid.replace("\"format\" : 2,", ""),
                valid.replace("\"owner\" : \"alice\",", ""),
                valid.replace("\"owner\" : \"alice\"", "\"owner\" : \"a:b\""),
                valid.replace("\"thread_id\" : \"thread\"", "\"thread_id\" : \"../x\""),
                valid.replace("\"format\" : 2", "\"format\" : 1"),
                valid.replace("\"step\" : 9", "\"step\" : \"nine\""),
                valid.replace("\"step\" : 9", "\"step\" : -1"),
                valid.replace("2026-01-02T03:04:05.000001Z", "yesterday"),
                valid.replace("\"id\" : \"cp\"", "\"id\" : null"),
                valid.replace("\"z\", \"a\", \"z\"", "\"z\", 1"),
                valid + " {}");
        for (String document : invalid) {
            assertThatThrownBy(() -> codec.decode(document.getBytes(StandardCharsets.UTF_8), FILE))
                    .as(document)
                    .isInstanceOf(CheckpointException.Corrupt.class)
                    .hasMessageContaining(FILE.toString());
        }
    }

    @Test
    @DisplayName("format 1, written before owners, is read with its thread id split into owner and thread")
    void legacyFormat() {
        String legacy = """
                {
                  "format" : 1,
                  "id" : "cp",
                  "thread_id" : "alice:run:42",
                  "sequence" : 3,
                  "created_at" : "2026-01-02T03:04:05.000001Z",
                  "parent_id" : null,
                  "step" : 9,
                  "label" : "l",
                  "tags" : [ "z" ],
                  "custom" : { "k" : "v" },
                  "state_size" : 12
                }""";
        assertThat(codec.decode(legacy.getBytes(StandardCharsets.UTF_8), FILE)).contains(new MetadataCodec.Decoded(
                ThreadKey.of("alice", "run:42"),
                new CheckpointMetadata("cp", "run:42", Instant.parse("2026-01-02T03:04:05.000001Z"), null, 9, "l",
                        List.of("z"), 12, Map.of("k", "v"), 3)));
        String unowned = legacy.replace("alice:run:42", "plain");
        assertThat(codec.decode(unowned.getBytes(StandardCharsets.UTF_8), FILE).orElseThrow().thread())
                .isEqualTo(ThreadKey.of("UNOWNED", "plain"));
        assertThat(codec.decode(unowned.getBytes(StandardCharsets.UTF_8), FILE).orElseThrow().metadata().threadId())
                .isEqualTo("plain");
        assertThatThrownBy(() -> codec.decode(legacy.replace("alice:run:42", "a/b").getBytes(StandardCharsets.UTF_8), FILE))
                .isInstanceOf(CheckpointException.Corrupt.class).hasMessageContaining("thread_id");
        assertThatThrownBy(() -> codec.decode(legacy.replace("\"id\" : \"cp\",", "\"id\" : \"cp\", \"owner\" : \"alice\",")
                .getBytes(StandardCharsets.UTF_8), FILE))
                .isInstanceOf(CheckpointException.Corrupt.class).hasMessageContaining("has no 'owner'");
    }
}
