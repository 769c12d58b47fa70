package dev.salvo.storage.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The external-server path is rarely exercised here, so its URL handling is checked on its own. */
class JdbcSupportTest {

    @Test
    void swapsOnlyTheDatabase() {
        assertThat(JdbcSupport.withDatabase("jdbc:postgresql://h:5433/postgres?user=u&password=p", "x"))
                .isEqualTo("jdbc:postgresql://h:5433/x?user=u&password=p");
        assertThat(JdbcSupport.withDatabase("jdbc:postgresql://h1:1,h2:2/db", "x"))
                .isEqualTo("jdbc:postgresql://h1:1,h2:2/x");
        assertThat(JdbcSupport.withDatabase("jdbc:postgresql://h", "x")).isEqualTo("jdbc:postgresql://h/x");
        assertThat(JdbcSupport.withDatabase("jdbc:postgresql://h?user=u", "x")).isEqualTo("jdbc:postgresql://h/x?user=u");
        assertThat(JdbcSupport.withDatabase("jdbc:postgresql://h/?ssl=true", "x")).isEqualTo("jdbc:postgresql://h/x?ssl=true");
    }

    @Test
    void rejectsUrlsItCannotRewrite() {
        assertThatThrownBy(() -> JdbcSupport.withDatabase("jdbc:postgresql:db", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PostgresTestServer.URL_ENV);
    }
}
