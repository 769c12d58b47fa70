package dev.salvo.storage.filesystem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeySecrets;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import dev.salvo.storage.filesystem.TestDirectories;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the key store leaves on disk, and what it makes of files it did not write. */
class FilesystemApiKeyFilesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-05T06:07:08.009Z"), ZoneOffset.UTC);

    private Path root;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-key-files-");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("one JSON file per key under keys/, with the digest and never the secret")
    void layout() throws Exception {
        String secret = ApiKeySecrets.generate();
        ApiKey key;
        try (FilesystemApiKeyStore store = FilesystemApiKeyStore.open(root, CLOCK)) {
            key = store.create(ApiKeySecrets.newKey(secret, "alice", true));
            store.revoke(key.id());
        }

        assertThat(TestDirectories.tree(root)).containsExactly("keys", "keys/.lock", "keys/" + key.id() + ".json");
        String json = Files.readString(root.resolve("keys/" + key.id() + ".json"));
        assertThat(json).doesNotContain(secret).doesNotContain(secret.substring(ApiKeySecrets.PREFIX.length(), 20))
                .contains("\"sha256\" : \"" + ApiKeyDigest.of(secret).hex() + "\"")
                .contains("\"principal\" : \"alice\"")
                .contains("\"admin\" : true")
                .contains("\"created_at\" : \"2026-04-05T06:07:08.009Z\"")
                .contains("\"revoked_at\" : \"2026-04-05T06:07:08.009Z\"")
                .contains("\"format\" : 1");
    }

    @Test
    @DisplayName("works while another owner holds the data directory lock")
    void worksBesideTheDataDirectoryOwner() {
        try (DataDirectory owner = DataDirectory.open(root);
             FilesystemApiKeyStore store = FilesystemApiKeyStore.open(root, CLOCK)) {
            ApiKey key = store.create(new NewApiKey(ApiKeyDigest.of("sk-x"), "ops", false, "k-x"));
            assertThat(store.findByDigest(ApiKeyDigest.of("sk-x"))).contains(key);
            assertThat(owner.isOpen()).isTrue();
        }
    }

    @Test
    @DisplayName("path-like principal names never reach the filesystem")
    void pathLikeNamesStoreNothing() {
        try (FilesystemApiKeyStore store = FilesystemApiKeyStore.open(root, CLOCK)) {
            for (String principal : List.of("../../etc", "..", "a/b", "a\\b", "/tmp/x", "a\u0000b")) {
                assertThatThrownBy(() -> store.create(new NewApiKey(ApiKeyDigest.of("sk-p"), principal, false, "abcd")))
                        .isInstanceOf(ApiKeyStoreException.Validation.class);
            }
        }
        assertThat(TestDirectories.tree(root)).containsExactly("keys");
        assertThat(TestDirectories.tree(root.getParent()).stream().filter(p -> p.contains("etc") || p.endsWith("/x")))
                .noneMatch(p -> p.startsWith(root.getFileName().toString()));
    }

    @Test
    @DisplayName("foreign and unreadable files are skipped, leftover temporary files are removed by the next write")
    void foreignFilesAreIgnored() throws Exception {
        Path keys = Files.createDirectories(root.resolve("keys"));
        ApiKeyId corruptId = ApiKeyId.generate(CLOCK);
        ApiKeyId mismatchedId = ApiKeyId.generate(CLOCK);
        Files.writeString(keys.resolve(corruptId + ".json"), "{\"format\": 1, \"id\": ");
        Files.writeString(keys.resolve("README"), "not a key");
        Files.writeString(keys.resolve(".abc.json.123.tmp"), "half a key");
        Files.createDirectories(keys.resolve(ApiKeyId.generate(CLOCK) + ".json"));
        try (FilesystemApiKeyStore store = FilesystemApiKeyStore.open(root, CLOCK)) {
            ApiKey good = store.create(new NewApiKey(ApiKeyDigest.of("sk-good"), "ok", false, "good"));
            Files.write(keys.resolve(mismatchedId + ".json"),
                    Files.readString(keys.resolve(good.id() + ".json")).getBytes(StandardCharsets.UTF_8));

            assertThat(store.list()).containsExactly(good);
            assertThat(store.findByDigest(ApiKeyDigest.of("sk-good"))).contains(good);
            assertThat(store.get(corruptId)).isEmpty();
            assertThat(store.get(mismatchedId)).isEmpty();
            assertThat(keys.resolve(".abc.json.123.tmp")).doesNotExist();
            assertThat(keys.resolve("README")).exists();
        }
    }

    @Test
    @DisplayName("a closed store refuses further calls")
    void closedStoreFails() {
        FilesystemApiKeyStore store = FilesystemApiKeyStore.open(root, CLOCK);
        store.close();
        assertThatThrownBy(store::list).isInstanceOf(ApiKeyStoreException.Backend.class);
        assertThatThrownBy(() -> store.create(new NewApiKey(ApiKeyDigest.of("sk"), "a", false, "abcd")))
                .isInstanceOf(ApiKeyStoreException.Backend.class);
    }
}
