package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.salvo.app.cli.Main;
import dev.salvo.app.config.AuthSettings;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.core.auth.ApiKeySecrets;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code salvo keys} through the real command line (Main, picocli) against servers started here: a key
 * created while a server runs is accepted on its next request, a revoked one refused, the admin flag
 * honoured, and the secret appears only in the output of {@code create}: not in listings, files, rows or logs.
 */
class ApiKeysEndToEndTest {

    private static final Pattern SECRET = Pattern.compile("sk-salvo-[0-9A-Za-z]{43}");
    private static final Pattern CREATED = Pattern.compile("Created API key ([0-9a-f-]{36}) for principal");

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<String> secrets = new ArrayList<>();

    record Cli(int exitCode, String out, String err) {
    }

    record CreatedKey(String id, String secret) {
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        rootLogger().addAppender(logs);
    }

    @AfterEach
    void noSecretWasLogged() {
        rootLogger().detachAppender(logs);
        for (ILoggingEvent event : logs.list) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static Cli salvo(String... args) {
        CommandLine command = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Cli(exitCode, out.toString(), err.toString());
    }

    private CreatedKey create(String... args) {
        List<String> all = new ArrayList<>(List.of("keys", "create"));
        all.addAll(List.of(args));
        Cli cli = salvo(all.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        Matcher secret = SECRET.matcher(cli.out());
        Matcher id = CREATED.matcher(cli.out());
        assertThat(secret.find()).as(cli.out()).isTrue();
        assertThat(id.find()).as(cli.out()).isTrue();
        secrets.add(secret.group());
        return new CreatedKey(id.group(1), secret.group());
    }

    private static int status(SalvoServer server, String key, String method, String path, String body) throws Exception {
        return new ServerRoundTrip(server.port(), key).call(method, path, body).statusCode();
    }

    private static SalvoConfig.Builder filesystem(Path dataDir) {
        return SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, "filesystem")
                .set(ConfigKeys.DATA_DIR, dataDir.toString())
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.DAEMON_ENABLED, "false");
    }

    @Test
    void keysManagedBesideARunningFilesystemServer(@TempDir Path dataDir) throws Exception {
        String dir = dataDir.toString();
        try (SalvoServer server = SalvoServer.start(filesystem(dataDir).build())) {
            // no key anywhere: development mode
            assertThat(status(server, AuthSettings.DEV_KEY, "GET", "/v1/checkpoints", null)).isEqualTo(200);

            CreatedKey alice = create("--name", "alice", "--data-dir", dir);
            CreatedKey root = create("--name", "root", "--admin", "--data-dir", dir);

            ServerRoundTrip asAlice = new ServerRoundTrip(server.port(), alice.secret());
            asAlice.assertTwoSaved("notes", asAlice.saveTwo("notes"));
            assertThat(status(server, AuthSettings.DEV_KEY, "GET", "/v1/checkpoints", null)).isEqualTo(401);
            assertThat(status(server, root.secret(), "GET", "/v1/daemons", null)).isEqualTo(200);
            assertThat(status(server, alice.secret(), "GET", "/v1/daemons", null)).isEqualTo(403);

            Cli list = salvo("keys", "list", "--data-dir", dir);
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains(alice.id(), root.id(), "alice", "root", "ADMIN", "REVOKED")
                    .contains("sk-salvo-…" + alice.secret().substring(alice.secret().length() - 4))
                    .doesNotContain(alice.secret()).doesNotContain(root.secret());
            assertThat(lineOf(list.out(), root.id())).contains(" yes ").endsWith("-");

            Cli revoke = salvo("keys", "revoke", alice.id(), "--data-dir", dir);
            assertThat(revoke.exitCode()).as(revoke.err()).isZero();
            assertThat(revoke.out()).startsWith("Revoked API key " + alice.id());
            assertThat(status(server, alice.secret(), "GET", "/v1/checkpoints", null)).isEqualTo(401);
            assertThat(status(server, root.secret(), "GET", "/v1/checkpoints", null)).isEqualTo(200);
            assertThat(salvo("keys", "revoke", alice.id(), "--data-dir", dir).out()).contains("was already revoked");
            assertThat(lineOf(salvo("keys", "list", "--data-dir", dir).out(), alice.id())).doesNotEndWith("-");
        }
        assertNoFileContainsASecret(dataDir);
    }

    @Test
    void keysCreatedBeforeTheServerStartsEndDevelopmentMode(@TempDir Path dataDir) throws Exception {
        CreatedKey ops = create("--name", "ops", "--data-dir", dataDir.toString());
        try (SalvoServer server = SalvoServer.start(filesystem(dataDir).build())) {
            assertThat(status(server, AuthSettings.DEV_KEY, "GET", "/v1/checkpoints", null)).isEqualTo(401);
            assertThat(status(server, ops.secret(), "GET", "/v1/checkpoints", null)).isEqualTo(200);
            assertThat(status(server, ops.secret(), "GET", "/v1/daemons", null)).isEqualTo(403);
        }
        assertNoFileContainsASecret(dataDir);
    }

    @Test
    void keysManagedBesideAPostgresServer() throws Exception {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        SalvoConfig config = SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, "postgres")
                .set(ConfigKeys.PG_URL, database.jdbcUrl())
                .set(ConfigKeys.PG_USER, database.username())
                .set(ConfigKeys.PG_PASSWORD, database.password())
                .set(ConfigKeys.PG_POOL_SIZE, "4")
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.DAEMON_ENABLED, "false")
                .set(ConfigKeys.AUTH_KEYS, "ops:sk-ops")
                .build();
        List<String> pg = new ArrayList<>(List.of("--storage", "postgres", "--pg-url", database.jdbcUrl()));
        if (database.username() != null) {
            pg.addAll(List.of("--pg-user", database.username()));
        }
        if (database.password() != null) {
            pg.addAll(List.of("--pg-password", database.password()));
        }
        String[] pgArgs = pg.toArray(String[]::new);
        try (SalvoServer server = SalvoServer.start(config)) {
            CreatedKey tenant = create(concat(new String[] {"--name", "tenant-1"}, pgArgs));
            CreatedKey admin = create(concat(new String[] {"--name", "boss", "--admin"}, pgArgs));

            ServerRoundTrip asTenant = new ServerRoundTrip(server.port(), tenant.secret());
            asTenant.assertTwoSaved("t", asTenant.saveTwo("t"));
            assertThat(status(server, admin.secret(), "GET", "/v1/daemons", null)).isEqualTo(200);
            assertThat(status(server, tenant.secret(), "GET", "/v1/daemons", null)).isEqualTo(403);
            assertThat(status(server, "sk-ops", "GET", "/v1/checkpoints", null)).isEqualTo(200);

            Cli list = salvo(concat(new String[] {"keys", "list"}, pgArgs));
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains(tenant.id(), admin.id()).doesNotContain(tenant.secret()).doesNotContain(admin.secret());

            assertThat(salvo(concat(new String[] {"keys", "revoke", tenant.id()}, pgArgs)).exitCode()).isZero();
            assertThat(status(server, tenant.secret(), "GET", "/v1/checkpoints", null)).isEqualTo(401);
            assertThat(status(server, admin.secret(), "GET", "/v1/checkpoints", null)).isEqualTo(200);
        }
        try (Connection connection = database.connect(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("select k::text from api_keys k")) {
            int count = 0;
            while (rows.next()) {
                count++;
                for (String secret : secrets) {
                    assertThat(rows.getString(1)).doesNotContain(secret).doesNotContain(secret.substring(9, 30));
                }
            }
            assertThat(count).isEqualTo(2);
        }
    }

    @Test
    void badInputIsRefusedAndStoresNothing(@TempDir Path dataDir) throws IOException {
        String dir = dataDir.toString();
        for (String name : List.of("Alice", "../etc", "a/b", "", "x".repeat(64))) {
            Cli cli = salvo("keys", "create", "--name", name, "--data-dir", dir);
            assertThat(cli.exitCode()).as(name).isEqualTo(2);
            assertThat(cli.err()).contains("--name must be 1-63 characters");
            assertThat(cli.out()).doesNotContain(ApiKeySecrets.PREFIX);
        }
        assertThat(salvo("keys", "list", "--data-dir", dir).out()).startsWith("No stored API keys");

        Cli badId = salvo("keys", "revoke", "../../etc/passwd", "--data-dir", dir);
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("not an API key id");
        Cli unknown = salvo("keys", "revoke", "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", "--data-dir", dir);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no API key with id 0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee");

        Cli memory = salvo("keys", "create", "--name", "alice", "--storage", "memory");
        assertThat(memory.exitCode()).isEqualTo(2);
        assertThat(memory.err()).contains("memory backend keeps API keys inside the serving process");
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".json"))).isEmpty();
        }
    }

    private static String lineOf(String output, String id) {
        return output.lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
    }

    private void assertNoFileContainsASecret(Path dataDir) throws IOException {
        assertThat(secrets).isNotEmpty();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String content;
                try {
                    content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (String secret : secrets) {
                    assertThat(content).as(file.toString()).doesNotContain(secret);
                }
            });
        }
        try (Stream<Path> keyFiles = Files.list(dataDir.resolve("keys"))) {
            assertThat(keyFiles.filter(p -> p.toString().endsWith(".json"))).hasSize(secrets.size());
        }
    }
}
