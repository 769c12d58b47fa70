package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
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

    private final MetadataCodec codec = new MetadataCodec();

    private final CheckpointMetadata stored = new CheckpointMetadata("cp", "thread", Instant.parse("2026-01-02T03:04:05.000001Z"),
            "parent", 9, "étape ✓ 🚀", List.of("z", "a", "z"), 0, Map.of("json", "{\"a\":[1]}\n\t", "ключ", "значение"), 0)
            .asStored(3, 12);

    @Test
    @DisplayName("every field round-trips, including microseconds and non-ASCII text")
    void roundTrip() {
        assertThat(codec.decode(codec.encode(stored), FILE)).contains(stored);
        CheckpointMetadata bare = CheckpointMetadata.of("c", "t", Instant.EPOCH, 0).asStored(1, 0);
        assertThat(codec.decode(codec.encode(bare), FILE)).contains(bare);
    }

    @Test
    @DisplayName("every truncation of a document reads as torn, never as a different checkpoint")
    void everyPrefixIsTorn() {
        byte[] document = codec.encode(stored);
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
    @DisplayName("complete JSON that is not a format-1 document is a Serialization error naming the file")
    void invalidDocuments() {
        String valid = new String(codec.encode(stored), StandardCharsets.UTF_8);
        List<String> invalid = List.of(
                "[]",
                "\"text\"",
                valid.replace("\"format\" : 1", "\"format\" : 2"),
                valid.replace("\"format\" : 1,", ""),
                valid.replace("\"step\" : 9", "\"step\" : \"nine\""),
                valid.replace("\"step\" : 9", "\"step\" : -1"),
                valid.replace("2026-01-02T03:04:05.000001Z", "yesterday"),
                valid.replace("\"id\" : \"cp\"", "\"id\" : null"),
                valid.replace("\"z\", \"a\", \"z\"", "\"z\", 1"),
                valid + " {}");
        for (String document : invalid) {
            assertThatThrownBy(() -> codec.decode(document.getBytes(StandardCharsets.UTF_8), FILE))
                    .as(document)
                    .isInstanceOf(CheckpointException.Serialization.class)
                    .hasMessageContaining(FILE.toString());
        }
    }
}
