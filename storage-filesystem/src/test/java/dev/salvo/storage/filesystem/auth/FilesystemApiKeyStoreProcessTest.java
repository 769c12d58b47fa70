package dev.salvo.storage.filesystem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.conformance.Concurrently;
import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import dev.salvo.storage.filesystem.TestDirectories;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reason the key store lives outside the data directory lock: other processes add and revoke keys
 * while a server owns the directory, and the server's open store sees their changes.
 */
class FilesystemApiKeyStoreProcessTest {

    private Path root;
    private Path outputs;

    @BeforeEach
    void createRoot() {
        root = TestDirectories.create("salvo-keys-processes-");
        outputs = TestDirectories.create("salvo-keys-probe-output-");
    }

    @AfterEach
    void deleteRoot() {
        TestDirectories.deleteRecursively(root);
        TestDirectories.deleteRecursively(outputs);
    }

    @Test
    @DisplayName("keys created and revoked by other processes are seen by the owner's open store at once")
    void otherProcessesWriteBesideTheOwner() throws Exception {
        try (DataDirectory owner = DataDirectory.open(root);
             FilesystemApiKeyStore server = FilesystemApiKeyStore.open(root, Clock.systemUTC())) {
            ApiKey local = server.create(new NewApiKey(ApiKeyDigest.of("sk-local"), "local", true, "ocal"));
            assertThat(server.findByDigest(ApiKeyDigest.of("sk-probe-a-3"))).isEmpty();

            List<Process> children = new ArrayList<>();
            Concurrently.run(3, worker -> {
                if (worker == 2) {
                    for (int i = 0; i < 15; i++) {
                        server.create(new NewApiKey(ApiKeyDigest.of("sk-here-" + i), "local", false, "here"));
                    }
                } else {
                    Process child = probe(worker, "create", root.toString(), "sk-probe-" + (char) ('a' + worker) + "-", "15");
                    synchronized (children) {
                        children.add(child);
                    }
                    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
                    assertThat(child.exitValue()).as(output(worker)).isZero();
                }
            });

            assertThat(server.list()).hasSize(1 + 45);
            for (int i = 0; i < 15; i++) {
                assertThat(server.findByDigest(ApiKeyDigest.of("sk-probe-a-" + i))).isPresent();
                assertThat(server.findByDigest(ApiKeyDigest.of("sk-probe-b-" + i))).isPresent();
                assertThat(server.findByDigest(ApiKeyDigest.of("sk-here-" + i))).isPresent();
            }
            assertThat(output(0)).doesNotContain("conflict");

            Process revoke = probe(3, "revoke", root.toString(), local.id().toString());
            assertThat(revoke.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(revoke.exitValue()).as(output(3)).isZero();
            assertThat(server.findByDigest(ApiKeyDigest.of("sk-local"))).isEmpty();
            assertThat(server.get(local.id()).orElseThrow().revoked()).isTrue();
            assertThat(owner.isOpen()).isTrue();
        }
    }

    @Test
    @DisplayName("a digest stored by another process is a Conflict here")
    void duplicatesAcrossProcessesConflict() throws Exception {
        try (FilesystemApiKeyStore server = FilesystemApiKeyStore.open(root, Clock.systemUTC())) {
            Process child = probe(0, "create", root.toString(), "sk-dup-", "3");
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).as(output(0)).isZero();

            assertThatThrownBy(() -> server.create(new NewApiKey(ApiKeyDigest.of("sk-dup-1"), "x", false, "dup1")))
                    .isInstanceOf(ApiKeyStoreException.Conflict.class);
            Process again = probe(1, "create", root.toString(), "sk-dup-", "3");
            assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(output(1).lines().filter("conflict"::equals)).hasSize(3);
            assertThat(server.list()).hasSize(3);
        }
    }

    private Process probe(int index, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                KeyProbe.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(outputFile(index).toFile())
                .start();
    }

    private Path outputFile(int index) {
        return outputs.resolve("probe-" + index + ".out");
    }

    private String output(int index) throws IOException {
        Path file = outputFile(index);
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
