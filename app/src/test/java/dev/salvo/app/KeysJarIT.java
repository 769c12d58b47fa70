package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code salvo keys} as an operator runs it: the shaded jar in a second JVM, beside a {@code salvo serve}
 * JVM that owns the data directory's lock. The key works on the server's next request; revoked, it stops.
 */
class KeysJarIT {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern SECRET = Pattern.compile("sk-salvo-[0-9A-Za-z]{43}");
    private static final Pattern CREATED = Pattern.compile("Created API key ([0-9a-f-]{36})");

    private static String run(Path workDir, String... args) throws Exception {
        try (SalvoProcess cli = SalvoProcess.start(workDir, Map.of(), args)) {
            assertThat(cli.waitForExit()).as(cli.output()).isZero();
            return cli.output();
        }
    }

    @Test
    void keysAreManagedWhileTheServerOwnsTheDataDirectory(@TempDir Path workDir) throws Exception {
        try (SalvoProcess server = SalvoProcess.start(workDir, Map.of(), "serve", "--port", "0", "--no-daemon")) {
            String port = server.await(LISTENING);
            assertThat(port).as(server.output()).isNotNull();
            ServerRoundTrip dev = new ServerRoundTrip(Integer.parseInt(port), "sk-salvo-dev");
            assertThat(dev.call("GET", "/v1/checkpoints", null).statusCode()).isEqualTo(200);

            String created = run(workDir, "keys", "create", "--name", "ops", "--admin");
            Matcher secret = SECRET.matcher(created);
            Matcher id = CREATED.matcher(created);
            assertThat(secret.find() && id.find()).as(created).isTrue();

            ServerRoundTrip ops = new ServerRoundTrip(Integer.parseInt(port), secret.group());
            ops.assertTwoSaved("from-cli", ops.saveTwo("from-cli"));
            assertThat(dev.call("GET", "/v1/checkpoints", null).statusCode()).isEqualTo(401);

            String listed = run(workDir, "keys", "list");
            assertThat(listed).contains(id.group(1), "ops").doesNotContain(secret.group());

            run(workDir, "keys", "revoke", id.group(1));
            assertThat(ops.call("GET", "/v1/checkpoints", null).statusCode()).isEqualTo(401);

            server.stop();
            assertThat(server.output()).doesNotContain(secret.group());
        }
        try (Stream<Path> files = Files.walk(workDir.resolve("data"))) {
            assertThat(files.filter(Files::isRegularFile).map(Path::toString)).anyMatch(p -> p.endsWith(".json"));
        }
    }
}
