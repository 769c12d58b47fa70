package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CompletionWindowTest {

    @Test
    void everyUnitParses() {
        assertThat(CompletionWindow.parse("30s")).isEqualTo(new CompletionWindow("30s", Duration.ofSeconds(30)));
        assertThat(CompletionWindow.parse("90m")).isEqualTo(new CompletionWindow("90m", Duration.ofMinutes(90)));
        assertThat(CompletionWindow.parse("24h")).isEqualTo(new CompletionWindow("24h", Duration.ofHours(24)));
        assertThat(CompletionWindow.parse("7d")).isEqualTo(new CompletionWindow("7d", Duration.ofDays(7)));
    }

    @Test
    void surroundingBlanksAreStrippedFromTheTextToo() {
        assertThat(CompletionWindow.parse(" 24h\n")).isEqualTo(new CompletionWindow("24h", Duration.ofHours(24)));
    }

    @Test
    void thirtyDaysIsTheMaximumInAnyUnit() {
        assertThat(CompletionWindow.MAX).isEqualTo(Duration.ofDays(30));
        assertThat(CompletionWindow.parse("30d").duration()).isEqualTo(Duration.ofDays(30));
        assertThat(CompletionWindow.parse("720h").duration()).isEqualTo(Duration.ofDays(30));
        assertThat(CompletionWindow.parse("2592000s").duration()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> CompletionWindow.parse("31d"))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessage("Invalid completion_window '31d': at most 30d");
        assertThatThrownBy(() -> CompletionWindow.parse("721h"))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessage("Invalid completion_window '721h': at most 30d");
        assertThatThrownBy(() -> CompletionWindow.parse("2592001s"))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessage("Invalid completion_window '2592001s': at most 30d");
    }

    @Test
    void malformedWindowsAreRejected() {
        for (String bad : new String[] {"", "24", "h", "0h", "024h", "-1h", "1.5h", "24H", "1w", "24 h", "24hours",
                "12345678s", "twenty-four hours"}) {
            assertThatThrownBy(() -> CompletionWindow.parse(bad))
                    .as(bad)
                    .isInstanceOf(BatchStorageException.Validation.class)
                    .hasMessage("Invalid completion_window '" + bad
                            + "': use a whole number and a unit s, m, h or d, e.g. 24h");
        }
    }

    @Test
    void aMissingWindowIsRequired() {
        assertThatThrownBy(() -> CompletionWindow.parse(null))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessage("completion_window is required");
    }
}
