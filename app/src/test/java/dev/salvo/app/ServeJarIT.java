package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command for real: the shaded {@code salvo.jar} in its own JVM, stopped with SIGTERM
 * and started again on the same data. Catches what in-JVM tests cannot (a dependency missing from the
 * jar, service files lost by shading, a shutdown hook that does not release the lock).
 */
class ServeJarIT {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private static int port(SalvoProcess process) throws InterruptedException {
        String port = process.await(LISTENING);
        assertThat(port).as(process.output()).isNotNull();
        return Integer.parseInt(port);
    }

    @Test
    void theRunnableJarServesKeepsDataAndOwnsItsDataDirectory(@TempDir Path workDir) throws Exception {
        String latest;
        try (SalvoProcess first = SalvoProcess.start(workDir, Map.of(), "serve", "--port", "0")) {
            ServerRoundTrip client = new ServerRoundTrip(port(first), "sk-salvo-dev");
            latest = client.saveTwo("quickstart");
            assertThat(first.output()).contains("DEVELOPMENT MODE");

            try (SalvoProcess second = SalvoProcess.start(workDir, Map.of(), "serve", "--port", "0")) {
                assertThat(second.waitForExit()).isEqualTo(2);
                assertThat(second.output()).contains("is in use by another Salvo process");
            }
            first.stop();
        }
        assertThat(workDir.resolve("data/checkpoints")).isDirectory();

        try (SalvoProcess restarted = SalvoProcess.start(workDir, Map.of(), "serve", "--port", "0")) {
            new ServerRoundTrip(port(restarted), "sk-salvo-dev").assertTwoSaved("quickstart", latest);
            restarted.stop();
        }
        assertThat(Files.list(workDir.resolve("data")).map(p -> p.getFileName().toString()).toList())
                .contains("salvo.lock", "checkpoints");
    }

    @Test
    void theRunnableJarServesFromPostgreSQL(@TempDir Path workDir) throws Exception {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        Map<String, String> environment = Map.of(
                "SALVO_STORAGE_POSTGRES_URL", database.jdbcUrl(),
                "SALVO_STORAGE_POSTGRES_USER", database.username(),
                "SALVO_STORAGE_POSTGRES_PASSWORD", database.password() == null ? "" : database.password());
        String latest;
        try (SalvoProcess first = SalvoProcess.start(workDir, environment, "serve", "--port", "0", "--storage", "postgres")) {
            latest = new ServerRoundTrip(port(first), "sk-salvo-dev").saveTwo("on-postgres");
            first.stop();
        }
        try (SalvoProcess restarted = SalvoProcess.start(workDir, environment, "serve", "--port", "0", "--storage", "postgres")) {
            new ServerRoundTrip(port(restarted), "sk-salvo-dev").assertTwoSaved("on-postgres", latest);
            restarted.stop();
        }
        assertThat(workDir.resolve("data")).doesNotExist();
    }
}
