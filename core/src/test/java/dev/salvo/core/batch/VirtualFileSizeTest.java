package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VirtualFileSizeTest {

    @Test
    void anOutputFileIsItsBodiesPlus181BytesPerLine() {
        assertThat(VirtualFileSize.OUTPUT_LINE_OVERHEAD).isEqualTo(181);
        assertThat(VirtualFileSize.ofOutput(3, 1089)).isEqualTo(1632);
        assertThat(VirtualFileSize.ofOutput(1, 0)).isEqualTo(181);
        assertThat(VirtualFileSize.ofOutput(2, 7)).isEqualTo(369);
    }

    @Test
    void anErrorFileIsItsMessagesPlus160BytesPerLine() {
        assertThat(VirtualFileSize.ERROR_LINE_OVERHEAD).isEqualTo(160);
        assertThat(VirtualFileSize.ofErrors(2, 100)).isEqualTo(420);
        assertThat(VirtualFileSize.ofErrors(1, 0)).isEqualTo(160);
        assertThat(VirtualFileSize.ofErrors(5, 3)).isEqualTo(803);
    }

    @Test
    void anEmptyFileIsZeroBytesWhateverTheBodies() {
        assertThat(VirtualFileSize.ofOutput(0, 0)).isZero();
        assertThat(VirtualFileSize.ofOutput(0, 500)).isZero();
        assertThat(VirtualFileSize.ofErrors(0, 0)).isZero();
        assertThat(VirtualFileSize.ofErrors(0, 77)).isZero();
    }
}
