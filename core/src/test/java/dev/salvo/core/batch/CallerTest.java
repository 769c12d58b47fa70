package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void aTenantSeesItsOwnAnAdminSeesAll() {
        Caller alice = new Caller("alice", false);
        Caller root = new Caller("root", true);

        assertThat(alice.sees("alice")).isTrue();
        assertThat(alice.sees("bob")).isFalse();
        assertThat(alice.sees(null)).isFalse();
        assertThat(root.sees("bob")).isTrue();
        assertThat(root.sees(null)).isTrue();
        assertThat(alice.listOwner()).isEqualTo("alice");
        assertThat(root.listOwner()).isNull();
        assertThatThrownBy(() -> new Caller(null, true)).isInstanceOf(NullPointerException.class);
    }
}
