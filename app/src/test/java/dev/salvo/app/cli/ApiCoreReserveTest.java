package dev.salvo.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiCoreReserveTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(ApiCoreReserve.PARALLELISM);
        System.clearProperty(ApiCoreReserve.PARALLELISM);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(ApiCoreReserve.PARALLELISM);
        } else {
            System.setProperty(ApiCoreReserve.PARALLELISM, before);
        }
    }

    @Test
    void leavesOneCoreToTheApi() {
        assertThat(ApiCoreReserve.apply(4)).contains(3);
        assertThat(System.getProperty(ApiCoreReserve.PARALLELISM)).isEqualTo("3");
    }

    @Test
    void aSingleCoreIsLeftToTheJvmDefault() {
        assertThat(ApiCoreReserve.apply(1)).isEmpty();
        assertThat(System.getProperty(ApiCoreReserve.PARALLELISM)).isNull();
    }

    @Test
    void theOperatorsChoiceWins() {
        System.setProperty(ApiCoreReserve.PARALLELISM, "7");
        assertThat(ApiCoreReserve.apply(2)).isEmpty();
        assertThat(System.getProperty(ApiCoreReserve.PARALLELISM)).isEqualTo("7");
    }
}
