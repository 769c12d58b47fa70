package dev.salvo.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresSettingsTest {

    @Test
    void toStringNeverShowsThePassword() {
        PostgresSettings settings = PostgresSettings.of(
                "jdbc:postgresql://db:5432/salvo?user=app&password=url-secret&ssl=true", "app", "field-secret");

        assertThat(settings.toString()).doesNotContain("url-secret", "field-secret")
                .contains("password=<masked>&ssl=true", "username=app");
        assertThat(settings.redactedJdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/salvo?user=app&password=<masked>&ssl=true");
    }

    @Test
    void rejectsOtherDatabasesAndEmptyPools() {
        assertThatThrownBy(() -> PostgresSettings.of("jdbc:mysql://db/salvo", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresSettings.of("jdbc:postgresql://db/salvo", null, null).withMaxPoolSize(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
