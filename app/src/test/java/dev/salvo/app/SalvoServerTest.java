package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole application (config → Guice → backend → HTTP) per backend, as an operator runs it. */
class SalvoServerTest {

    private static SalvoConfig.Builder base(String backend) {
        return SalvoConfig.builder()
                .set(ConfigKeys.STORAGE_BACKEND, backend)
                .set(ConfigKeys.HTTP_PORT, "0")
                .set(ConfigKeys.AUTH_KEYS, "ops:sk-ops");
    }

    @Test
    void memoryBackendServesCheckpoints() throws Exception {
        try (SalvoServer server = SalvoServer.start(base("memory").build())) {
            ServerRoundTrip client = new ServerRoundTrip(server.port(), "sk-ops");
            client.assertTwoSaved("t", client.saveTwo("t"));
        }
    }

    @Test
    void filesystemBackendKeepsDataAcrossRestarts(@TempDir Path dataDir) throws Exception {
        SalvoConfig config = base("filesystem").set(ConfigKeys.DATA_DIR, dataDir.toString()).build();
        String latest;
        try (SalvoServer server = SalvoServer.start(config)) {
            latest = new ServerRoundTrip(server.port(), "sk-ops").saveTwo("durable");
        }
        try (SalvoServer restarted = SalvoServer.start(config)) {
            new ServerRoundTrip(restarted.port(), "sk-ops").assertTwoSaved("durable", latest);
        }
    }

    @Test
    void postgresBackendKeepsDataAcrossRestarts() throws Exception {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        SalvoConfig config = base("postgres")
                .set(ConfigKeys.PG_URL, database.jdbcUrl())
                .set(ConfigKeys.PG_USER, database.username())
                .set(ConfigKeys.PG_PASSWORD, database.password())
                .set(ConfigKeys.PG_POOL_SIZE, "4")
                .build();
        String latest;
        try (SalvoServer server = SalvoServer.start(config)) {
            latest = new ServerRoundTrip(server.port(), "sk-ops").saveTwo("durable");
        }
        try (SalvoServer restarted = SalvoServer.start(config); SalvoServer replica = SalvoServer.start(config)) {
            new ServerRoundTrip(restarted.port(), "sk-ops").assertTwoSaved("durable", latest);
            new ServerRoundTrip(replica.port(), "sk-ops").assertTwoSaved("durable", latest);
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryFailsClearly(@TempDir Path dataDir) {
        SalvoConfig config = base("filesystem").set(ConfigKeys.DATA_DIR, dataDir.toString()).build();
        try (SalvoServer first = SalvoServer.start(config)) {
            assertThat(first.port()).isPositive();
            assertThatThrownBy(() -> SalvoServer.start(config))
                    .hasStackTraceContaining("in use by another Salvo process");
        }
    }

    @Test
    void aBackendFromAnotherJarIsSelectedByName() throws Exception {
        try (SalvoServer server = SalvoServer.start(base("third-party").build())) {
            ServerRoundTrip client = new ServerRoundTrip(server.port(), "sk-ops");
            client.assertTwoSaved("t", client.saveTwo("t"));
        }
    }

    @Test
    void unknownBackendIsAConfigurationError() {
        assertThatThrownBy(() -> SalvoServer.start(base("cassandra").build()))
                .hasMessageContaining("unknown storage backend 'cassandra'");
    }
}
