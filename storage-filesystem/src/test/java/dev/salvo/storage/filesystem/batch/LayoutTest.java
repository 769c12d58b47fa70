package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.conformance.MutableClock;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The data directory is meant to be read by people: its layout and formats are part of the adapter's contract. */
class LayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = MutableClock.startingAtFixedPoint();
    private Path root;
    private FilesystemBatchStorage store;

    @BeforeEach
    void open() {
        root = TestDirectories.create("salvo-batch-layout-");
        store = FilesystemBatchStorage.open(root, clock);
    }

    @AfterEach
    void cleanUp() {
        store.close();
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("files, batches and daemons live in readable JSON, JSONL and checksummed JSON lines")
    void layoutIsReadable() throws IOException {
        FileId file = BatchFixtures.upload(store, 3, "{\"prompt\":\"Grüße\"}");
        Batch batch = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        DaemonId daemon = DaemonId.generate();
        store.persistDaemon(new DaemonRecord(new DaemonData(daemon, "host", 1, "v", "{}"),
                new DaemonState.Initializing(clock.instant())));
        BatchRequest claimed = BatchFixtures.claim(store, daemon, 1).getFirst();
        BatchFixtures.complete(store, BatchFixtures.start(store, claimed, clock), "{\"answer\":42}", clock);

        String f = "batch/files/" + file;
        String b = "batch/batches/" + batch.id();
        assertThat(TestDirectories.tree(root)).containsExactlyInAnyOrder(
                "batch", "batch/files", f, f + "/meta.json", f + "/templates.jsonl", f + "/index.bin",
                "batch/batches", b, b + "/batch.json", b + "/requests.log", b + "/templates.jsonl", b + "/index.bin",
                "batch/daemons", "batch/daemons/" + daemon + ".json", "batch/uploads", "salvo.lock");

        JsonNode meta = JSON.readTree(root.resolve(f + "/meta.json").toFile());
        assertThat(meta.get("name").asText()).isEqualTo("generated.jsonl");
        assertThat(meta.get("template_count").asInt()).isEqualTo(3);
        List<String> templates = Files.readAllLines(root.resolve(f + "/templates.jsonl"));
        assertThat(templates).hasSize(3);
        assertThat(templates.getFirst()).startsWith("{\"custom_id\":\"req-0000000\"");
        assertThat(JSON.readTree(templates.getFirst()).get("body").asText()).isEqualTo("{\"prompt\":\"Grüße\"}");

        JsonNode header = JSON.readTree(root.resolve(b + "/batch.json").toFile());
        assertThat(header.get("id").asText()).isEqualTo(batch.id().toString());
        assertThat(header.get("completion_window").asText()).isEqualTo("24h");

        List<String> log = Files.readAllLines(root.resolve(b + "/requests.log"));
        assertThat(log).allSatisfy(line -> {
            assertThat(line).matches("[0-9a-f]{8} \\{.*\\}");
            JSON.readTree(line.substring(9));
        });
        assertThat(log.stream().map(line -> line.substring(9)).toList())
                .anySatisfy(json -> assertThat(json).startsWith("{\"fx\":[{\"type\":\"populate\""))
                .anySatisfy(json -> assertThat(json).startsWith("{\"fx\":[{\"type\":\"claim\""))
                .anySatisfy(json -> assertThat(json).contains("\"body\":\"{\\\"answer\\\":42}\""));

        Object fileKey = Files.readAttributes(root.resolve(f + "/templates.jsonl"), BasicFileAttributes.class).fileKey();
        if (fileKey != null) {
            assertThat(Files.readAttributes(root.resolve(b + "/templates.jsonl"), BasicFileAttributes.class).fileKey())
                    .as("the batch shares the upload's bytes through a hard link").isEqualTo(fileKey);
        }
        JsonNode daemonFile = JSON.readTree(root.resolve("batch/daemons/" + daemon + ".json").toFile());
        assertThat(daemonFile.get("status").asText()).isEqualTo("initializing");
    }

    @Test
    @DisplayName("purging a deleted input removes its directory; batches keep their requests through their own links")
    void purgedInputLeavesBatchesIntact() throws IOException {
        FileId file = BatchFixtures.upload(store, 4, "{\"q\":1}");
        Batch batch = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        DaemonId daemon = DaemonId.generate();
        for (BatchRequest claimed : BatchFixtures.claim(store, daemon, 4)) {
            BatchFixtures.complete(store, BatchFixtures.start(store, claimed, clock), "{\"a\":1}", clock);
        }
        store.deleteFile(file);

        assertThat(store.purgeOrphanedRows(3)).isEqualTo(3);
        assertThat(Files.exists(root.resolve("batch/files/" + file))).as("one template still counted").isTrue();
        assertThat(store.purgeOrphanedRows(3)).isEqualTo(1);
        assertThat(Files.exists(root.resolve("batch/files/" + file))).isFalse();
        assertThat(store.purgeOrphanedRows(3)).isZero();

        store.close();
        store = FilesystemBatchStorage.open(root, clock);
        try (var requests = store.streamBatchRequests(batch.id())) {
            assertThat(requests.map(r -> r.data().body()).toList()).containsOnly("{\"q\":1}").hasSize(4);
        }
        try (var output = store.streamFileContent(batch.outputFileId(), 0, null)) {
            assertThat(output.count()).isEqualTo(4);
        }
        assertThat(store.getBatch(batch.id()).fileId()).isNull();
    }

    @Test
    @DisplayName("request ids are derived from their batch id: valid version-7 UUIDs, unique, in line order")
    void derivedIds() {
        FileId file = BatchFixtures.upload(store, 5, "{}");
        Batch first = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        Batch second = store.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        List<UUID> ids = new java.util.ArrayList<>();
        for (Batch batch : List.of(first, second)) {
            try (var requests = store.streamBatchRequests(batch.id())) {
                List<UUID> own = requests.map(r -> r.id().value()).toList();
                assertThat(own).isSortedAccordingTo(dev.salvo.core.common.Uuids::compare);
                assertThat(own).allSatisfy(id -> {
                    assertThat(id.version()).isEqualTo(7);
                    assertThat(id.variant()).isEqualTo(2);
                    assertThat(DerivedIds.isChildOf(id, batch.id().value())).isTrue();
                });
                ids.addAll(own);
            }
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(10);
        assertThat(DerivedIds.isChildOf(UUID.randomUUID(), first.id().value())).isFalse();
    }
}
