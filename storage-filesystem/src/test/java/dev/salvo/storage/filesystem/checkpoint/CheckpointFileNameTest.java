package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CheckpointFileNameTest {

    @Test
    @DisplayName("names are the zero-padded sequence, an underscore and the id")
    void format() {
        CheckpointFileName name = new CheckpointFileName(42, "cp.1:a_b-c");
        assertThat(name.metaFile()).isEqualTo("00000000000000000042_cp.1:a_b-c.meta.json");
        assertThat(name.stateFile()).isEqualTo("00000000000000000042_cp.1:a_b-c.state");
        assertThat(new CheckpointFileName(Long.MAX_VALUE, "x").stem()).isEqualTo("09223372036854775807_x");
    }

    @Test
    @DisplayName("parsing gives back the sequence and id, also for ids that end like a suffix")
    void parse() {
        for (String id : new String[] {"c", "x.state", "x.meta.json", "x.meta", "00000000000000000001_y"}) {
            CheckpointFileName name = new CheckpointFileName(7, id);
            assertThat(CheckpointFileName.ofMetaFile(name.metaFile())).contains(name);
            assertThat(CheckpointFileName.ofStateFile(name.stateFile())).contains(name);
            assertThat(CheckpointFileName.ofMetaFile(name.stateFile())).isEmpty();
            assertThat(CheckpointFileName.ofStateFile(name.metaFile())).isEmpty();
        }
    }

    @Test
    @DisplayName("anything else is not one of ours")
    void foreignNames() {
        for (String fileName : new String[] {
                "salvo.lock", "notes.meta.json", "0000000000000000001_c.state", "000000000000000000001_c.state",
                "00000000000000000000_c.state", "99999999999999999999_c.state", "00000000000000000001_.state",
                "00000000000000000001_a b.state", ".00000000000000000001_c.state.123.tmp", "00000000000000000001c.state"}) {
            assertThat(CheckpointFileName.ofStateFile(fileName)).as(fileName).isEmpty();
            assertThat(CheckpointFileName.ofMetaFile(fileName)).as(fileName).isEmpty();
        }
    }
}
