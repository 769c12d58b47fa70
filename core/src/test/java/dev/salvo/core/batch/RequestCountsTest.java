package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestCountsTest {

    @Test
    void terminalIsCompletedPlusFailedPlusCanceled() {
        assertThat(new RequestCounts(100, 50, 20, 7, 3, 2).terminal()).isEqualTo(12);
        assertThat(new RequestCounts(9, 1, 1, 4, 2, 1).terminal()).isEqualTo(7);
        assertThat(RequestCounts.NONE).isEqualTo(new RequestCounts(0, 0, 0, 0, 0, 0));
        assertThat(RequestCounts.NONE.terminal()).isZero();
    }

    @Test
    void allTerminalOnlyWhenThereAreRequestsAndEveryOneIsTerminal() {
        assertThat(new RequestCounts(6, 0, 0, 3, 2, 1).allTerminal()).isTrue();
        assertThat(new RequestCounts(1, 0, 0, 0, 0, 1).allTerminal()).isTrue();
        assertThat(new RequestCounts(6, 1, 0, 3, 1, 1).allTerminal()).isFalse();
        assertThat(new RequestCounts(6, 0, 1, 5, 0, 0).allTerminal()).isFalse();
        assertThat(RequestCounts.NONE.allTerminal()).isFalse();
    }
}
