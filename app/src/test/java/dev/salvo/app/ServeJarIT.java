package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command for real: the shaded {@code salvo.jar} in its own JVM, stopped with SIGTERM
 * and started again on the same data directory. Catches what in-JVM tests cannot (a dependency missing
 * from the jar, service files lost by shading, a shutdown hook that does not release the lock).
 */
class ServeJarIT {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    /** A started process and everything it has printed so far (appended by a reader thread). */
    private record Running(Process process, int port, List<String> log) {
        String output() {
            synchronized (log) {
                return String.join("\n", log);
            }
        }
    }

    private static Running serve(Path workDir, String... extraArgs) throws IOException, InterruptedException {
        return serve(workDir, Map.of(), extraArgs);
    }

    private static Running serve(Path workDir, Map<String, String> environment, String... extraArgs)
            throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("salvo.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--port", "0"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(new Running(process, -1, log).output());
            if (m.find()) {
                return new Running(process, Integer.parseInt(m.group(1)), log);
            }
            if (!process.isAlive()) {
                process.waitFor();
                Thread.sleep(200); // let the reader drain the last lines
                return new Running(process, -1, log);
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("salvo serve did not start:\n" + new Running(process, -1, log).output());
    }

    private static void stop(Running running) throws InterruptedException {
        running.process().destroy(); // SIGTERM: the shutdown hook closes the store and releases the lock
        assertThat(running.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theRunnableJarServesKeepsDataAndOwnsItsDataDirectory(@TempDir Path workDir) throws Exception {
        Running first = serve(workDir);
        assertThat(first.port()).as(first.output()).isPositive();
        ServerRoundTrip client = new ServerRoundTrip(first.port(), "sk-salvo-dev");
        String latest = client.saveTwo("quickstart");
        assertThat(first.output()).contains("DEVELOPMENT MODE");

        Running second = serve(workDir);
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).isEqualTo(2);
        assertThat(second.output()).contains("is in use by another Salvo process");

        stop(first);
        assertThat(workDir.resolve("data/checkpoints")).isDirectory();

        Running restarted = serve(workDir);
        try {
            new ServerRoundTrip(restarted.port(), "sk-salvo-dev").assertTwoSaved("quickstart", latest);
        } finally {
            stop(restarted);
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
        Running first = serve(workDir, environment, "--storage", "postgres");
        String latest;
        try {
            assertThat(first.port()).as(first.output()).isPositive();
            latest = new ServerRoundTrip(first.port(), "sk-salvo-dev").saveTwo("on-postgres");
        } finally {
            stop(first);
        }
        Running restarted = serve(workDir, environment, "--storage", "postgres");
        try {
            assertThat(restarted.port()).as(restarted.output()).isPositive();
            new ServerRoundTrip(restarted.port(), "sk-salvo-dev").assertTwoSaved("on-postgres", latest);
        } finally {
            stop(restarted);
        }
        assertThat(workDir.resolve("data")).doesNotExist();
    }
}
