package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.app.backend.StorageBackends;
import dev.salvo.app.config.AuthSettings;
import dev.salvo.app.config.ConfigException;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.http.auth.Authenticator;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import dev.salvo.storage.memory.auth.MemoryApiKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SalvoConfigTest {

    @Test
    void defaultsRunTheFilesystemStoreOnLoopback() {
        SalvoConfig config = SalvoConfig.builder().build();
        assertThat(config.require(ConfigKeys.STORAGE_BACKEND)).isEqualTo("filesystem");
        assertThat(config.require(ConfigKeys.DATA_DIR)).isEqualTo("./data");
        assertThat(config.require(ConfigKeys.HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(config.intValue(ConfigKeys.HTTP_PORT)).isEqualTo(8080);
    }

    @Test
    void fileThenEnvironmentThenExplicitSettingsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("salvo.properties");
        Files.writeString(file, "salvo.http.port=9000\nsalvo.storage.backend=memory\nsalvo.checkpoints.max-per-thread=7\n");
        SalvoConfig config = SalvoConfig.builder()
                .file(file)
                .environment(Map.of("SALVO_HTTP_PORT", "9100", "SALVO_STORAGE_POSTGRES_URL", "jdbc:postgresql://db/salvo",
                        "UNRELATED", "x"))
                .set(ConfigKeys.STORAGE_BACKEND, "postgres")
                .build();
        assertThat(config.intValue(ConfigKeys.HTTP_PORT)).isEqualTo(9100);
        assertThat(config.require(ConfigKeys.PG_URL)).isEqualTo("jdbc:postgresql://db/salvo");
        assertThat(config.require(ConfigKeys.STORAGE_BACKEND)).isEqualTo("postgres");
        assertThat(config.intValue(ConfigKeys.CHECKPOINT_MAX_PER_THREAD)).isEqualTo(7);
        assertThat(config.asMap()).doesNotContainKey("UNRELATED");
    }

    @Test
    void badSettingsGiveClearErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "http.port=1\n");
        assertThatThrownBy(() -> SalvoConfig.builder().file(file).build()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port");
        SalvoConfig config = SalvoConfig.builder().set(ConfigKeys.HTTP_PORT, "eighty").build();
        assertThatThrownBy(() -> config.intValue(ConfigKeys.HTTP_PORT)).hasMessageContaining("salvo.http.port");
        assertThatThrownBy(() -> SalvoConfig.builder().build().require(ConfigKeys.PG_URL))
                .hasMessageContaining("SALVO_STORAGE_POSTGRES_URL");
    }

    @Test
    void backendsAreFoundThroughServiceLoader() {
        StorageBackends backends = StorageBackends.discover();
        assertThat(backends.all()).containsKeys("memory", "filesystem", "postgres", "third-party");
        assertThatThrownBy(() -> backends.named("foundationdb")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("available: filesystem, memory, postgres, third-party");
    }

    @Test
    void keysAreParsedHashedAndScopedToPrincipals() {
        String digest = HexFormat.of().formatHex(HashedApiKeys.sha256("sk-bob"));
        SalvoConfig config = SalvoConfig.builder()
                .set(ConfigKeys.AUTH_KEYS, "alice:sk-alice, bob:sha256:" + digest)
                .set(ConfigKeys.AUTH_ADMINS, "alice")
                .build();
        AuthSettings auth = AuthSettings.from(config);
        Authenticator authenticator = auth.authenticator(noStoredKeys());
        assertThat(auth.devMode()).isFalse();
        assertThat(authenticator.authenticate("sk-alice")).contains(new Principal("alice", true));
        assertThat(authenticator.authenticate("sk-bob")).contains(new Principal("bob", false));
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
        assertThat(authenticator.authenticate("sk-alic")).isEmpty();
    }

    @Test
    void developmentModeOnlyWithoutKeys() {
        AuthSettings dev = AuthSettings.from(SalvoConfig.builder().build());
        assertThat(dev.authenticator(noStoredKeys()).authenticate(AuthSettings.DEV_KEY)).contains(new Principal("dev", true));
        assertThat(dev.devMode()).isTrue();
        AuthSettings off = AuthSettings.from(SalvoConfig.builder().set(ConfigKeys.AUTH_DEV_MODE, "false").build());
        assertThatThrownBy(() -> off.authenticator(noStoredKeys()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SALVO_AUTH_KEYS");
        assertThatThrownBy(() -> AuthSettings.from(SalvoConfig.builder().set(ConfigKeys.AUTH_KEYS, "Alice:k").build()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> AuthSettings.from(SalvoConfig.builder().set(ConfigKeys.AUTH_KEYS, "bob:sha256:abc").build()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("64 hex");
    }

    private static ApiKeyStore noStoredKeys() {
        return new MemoryApiKeyStore(java.time.Clock.systemUTC());
    }
}
