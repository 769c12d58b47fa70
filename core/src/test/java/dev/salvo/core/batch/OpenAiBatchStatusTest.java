package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OpenAiBatchStatusTest {

    @Test
    void wireNamesAreExactlyOpenAis() {
        assertThat(Arrays.stream(OpenAiBatchStatus.values()).map(OpenAiBatchStatus::wire))
                .containsExactly("validating", "failed", "in_progress", "finalizing", "completed", "expired",
                        "cancelling", "cancelled");
    }

    @Test
    void terminalStatuses() {
        assertThat(OpenAiBatchStatus.FAILED.terminal()).isTrue();
        assertThat(OpenAiBatchStatus.COMPLETED.terminal()).isTrue();
        assertThat(OpenAiBatchStatus.EXPIRED.terminal()).isTrue();
        assertThat(OpenAiBatchStatus.CANCELLED.terminal()).isTrue();
        assertThat(OpenAiBatchStatus.VALIDATING.terminal()).isFalse();
        assertThat(OpenAiBatchStatus.IN_PROGRESS.terminal()).isFalse();
        assertThat(OpenAiBatchStatus.FINALIZING.terminal()).isFalse();
        assertThat(OpenAiBatchStatus.CANCELLING.terminal()).isFalse();
    }
}
