package dev.salvo.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSchedulingAdviceTest {

    @TempDir
    Path dir;

    private Path autogroup(String value) throws IOException {
        return Files.writeString(dir.resolve("sched_autogroup_enabled"), value + "\n");
    }

    private static SalvoConfig postgresAt(String url) {
        return SalvoConfig.builder().set(ConfigKeys.STORAGE_BACKEND, "postgres").set(ConfigKeys.PG_URL, url).build();
    }

    @Test
    void aLocalPostgresWithAutogroupOnIsWarnedAbout() throws IOException {
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://localhost:5432/salvo"), autogroup("1")))
                .hasValueSatisfying(w -> assertThat(w).contains("kernel.sched_autogroup_enabled=0"));
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://127.0.0.1/salvo?user=s"), autogroup("1"))).isPresent();
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql:salvo"), autogroup("1"))).isPresent();
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://[::1]:5432/salvo"), autogroup("1"))).isPresent();
    }

    @Test
    void nothingIsSaidForARemotePostgresAutogroupOffOrAnotherStore() throws IOException {
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://db.internal:5432/salvo"), autogroup("1"))).isEmpty();
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://localhost/salvo"), autogroup("0"))).isEmpty();
        assertThat(HostSchedulingAdvice.check(postgresAt("jdbc:postgresql://localhost/salvo"), dir.resolve("absent"))).isEmpty();
        SalvoConfig filesystem = SalvoConfig.builder().set(ConfigKeys.STORAGE_BACKEND, "filesystem").build();
        assertThat(HostSchedulingAdvice.check(filesystem, autogroup("1"))).isEmpty();
    }

    @Test
    void theHostIsReadFromEachJdbcUrlForm() {
        assertThat(HostSchedulingAdvice.host("jdbc:postgresql://db:5433/salvo")).hasValue("db");
        assertThat(HostSchedulingAdvice.host("jdbc:postgresql://user:pw@db/salvo")).hasValue("db");
        assertThat(HostSchedulingAdvice.host("jdbc:postgresql://a:5432,b:5432/salvo")).hasValue("a");
        assertThat(HostSchedulingAdvice.host("jdbc:postgresql:///salvo")).hasValue("");
        assertThat(HostSchedulingAdvice.host("jdbc:postgresql:salvo")).hasValue("");
        assertThat(HostSchedulingAdvice.host("jdbc:mysql://localhost/salvo")).isEmpty();
    }
}
