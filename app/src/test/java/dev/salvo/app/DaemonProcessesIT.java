package dev.salvo.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.daemon.testing.TestUpstream;
import dev.salvo.storage.filesystem.batch.FilesystemBatchStorage;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.batch.PostgresBatchStorage;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemons as real processes ({@code salvo daemon} from the runnable jar) against a real local upstream:
 * two daemons sharing PostgreSQL, one killed with SIGKILL mid-batch; and a filesystem-store daemon
 * killed and restarted. Every request must end in exactly one result line.
 */
class DaemonProcessesIT {

    private static final Pattern STARTED = Pattern.compile("Daemon [0-9a-f-]+ started");

    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start().script(call -> TestUpstream.echo(call, Duration.ofMillis(100)));
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private Map<String, String> daemonEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("SALVO_MODELS", "gen");
        env.put("SALVO_MODELS_GEN_BASE_URL", upstream.baseUrl().toString());
        env.put("SALVO_MODELS_GEN_CONCURRENCY", "10");
        env.put("SALVO_DAEMON_HEARTBEAT_INTERVAL", "500ms");
        env.put("SALVO_DAEMON_STALE_DAEMON_THRESHOLD", "2s");
        env.put("SALVO_DAEMON_SHUTDOWN_GRACE", "1s");
        return env;
    }

    private static Batch submit(BatchStorage storage, int requests) {
        List<RequestTemplateInput> templates = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            templates.add(new RequestTemplateInput("job-" + i, "", "POST", "/v1/chat/completions",
                    "{\"model\":\"gen\",\"messages\":[{\"role\":\"user\",\"content\":\"" + i + "\"}]}", "gen", ""));
        }
        FileId file = storage.createFile("jobs.jsonl", null, templates);
        return storage.createBatch(BatchInput.of(file, "/v1/chat/completions", "1h"));
    }

    private void awaitCalls(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (upstream.calls().size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(upstream.calls().size()).isGreaterThanOrEqualTo(atLeast);
    }

    private Set<String> distinctCalled() {
        Set<String> ids = new HashSet<>();
        upstream.calls().forEach(c -> ids.add(c.customId()));
        return ids;
    }

    private static void assertExactlyOneResultEach(BatchStorage storage, Batch batch, int requests) {
        Batch done = storage.getBatch(batch.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts().completed()).isEqualTo(requests);
        Set<String> seen = new HashSet<>();
        try (Stream<FileContentItem> output = storage.streamFileContent(done.outputFileId(), 0, null)) {
            output.forEach(item -> assertThat(seen.add(((FileContentItem.OutputLine) item).customId()))
                    .as("one result line per custom id").isTrue());
        }
        assertThat(seen).hasSize(requests);
    }

    @Test
    void twoDaemonsOnPostgresNeverShareARequestAndTheSurvivorFinishesAfterSigkill(@TempDir Path workDir) throws Exception {
        TestDatabase database = PostgresTestServer.get().createDatabase();
        Map<String, String> env = daemonEnvironment();
        env.put("SALVO_STORAGE_POSTGRES_URL", database.jdbcUrl());
        env.put("SALVO_STORAGE_POSTGRES_USER", database.username());
        env.put("SALVO_STORAGE_POSTGRES_PASSWORD", database.password() == null ? "" : database.password());
        int requests = 300;
        try (PostgresDatabase pool = database.open(4);
             SalvoProcess victim = SalvoProcess.start(workDir, env, "daemon", "--storage", "postgres");
             SalvoProcess survivor = SalvoProcess.start(workDir, env, "daemon", "--storage", "postgres")) {
            assertThat(victim.await(STARTED)).as(victim.output()).isNotNull();
            assertThat(survivor.await(STARTED)).as(survivor.output()).isNotNull();
            PostgresBatchStorage storage = new PostgresBatchStorage(pool.dsl(), Clock.systemUTC());
            Batch batch = submit(storage, requests);

            awaitCalls(80);
            List<TestUpstream.Call> beforeKill = upstream.calls();
            victim.kill();
            Set<String> whileBothLived = new HashSet<>();
            for (TestUpstream.Call call : beforeKill) {
                assertThat(whileBothLived.add(call.customId())).as("no request executed twice while both daemons live").isTrue();
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (storage.getBatch(batch.id()).status() != OpenAiBatchStatus.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertExactlyOneResultEach(storage, batch, requests);
            // Only calls the killed daemon had in flight may have been made twice.
            assertThat(upstream.calls().size() - requests).isBetween(0, 10);
            survivor.stop();
        }
    }

    @Test
    void aRestartedFilesystemDaemonResumesAHalfFinishedBatch(@TempDir Path workDir) throws Exception {
        Path dataDir = workDir.resolve("data");
        int requests = 200;
        Batch batch;
        try (FilesystemBatchStorage storage = FilesystemBatchStorage.open(dataDir, Clock.systemUTC())) {
            batch = submit(storage, requests);
        }
        Map<String, String> env = daemonEnvironment();
        try (SalvoProcess first = SalvoProcess.start(workDir, env, "daemon", "--storage", "filesystem", "--data-dir", dataDir.toString())) {
            assertThat(first.await(STARTED)).as(first.output()).isNotNull();
            awaitCalls(50);
            first.kill();
        }
        assertThat(distinctCalled().size()).isLessThan(requests);
        try (SalvoProcess second = SalvoProcess.start(workDir, env, "daemon", "--storage", "filesystem", "--data-dir", dataDir.toString())) {
            assertThat(second.await(STARTED)).as(second.output()).isNotNull();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (distinctCalled().size() < requests && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(distinctCalled()).hasSize(requests);
            Thread.sleep(1000); // the last results are written within a call's latency
            second.stop();
        }
        try (FilesystemBatchStorage storage = FilesystemBatchStorage.open(dataDir, Clock.systemUTC())) {
            assertExactlyOneResultEach(storage, batch, requests);
        }
    }
}
