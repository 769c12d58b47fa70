package dev.salvo.storage.filesystem.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The on-disk layout is a contract with operators and with older and newer versions: pin it. */
class LayoutTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    private Path root;
    private FilesystemCheckpointStore store;

    @BeforeEach
    void open() {
        root = TestDirectories.create("salvo-layout-");
        store = FilesystemCheckpointStore.open(root);
    }

    @AfterEach
    void close() {
        store.close();
        TestDirectories.deleteRecursively(root);
    }

    @Test
    @DisplayName("checkpoints/{owner}/{thread}/{sequence:020d}_{id}.meta.json and .state, nothing else")
    void fileNames() throws IOException {
        ThreadKey thread1 = ThreadKey.of("alice", "thread-1");
        for (int i = 1; i <= 12; i++) {
            store.save(thread1, CheckpointMetadata.of("cp-" + i, "thread-1", T0, i), bytes("state " + i));
        }
        store.save(ThreadKey.of("alice", "other:thread"), CheckpointMetadata.of("x.y_z", "other:thread", T0, 1), bytes("x"));
        store.save(ThreadKey.of("bob", "thread-1"), CheckpointMetadata.of("cp-1", "thread-1", T0, 1), bytes("bob's"));
        for (int i = 1; i <= 10; i++) {
            store.delete(thread1, "cp-" + i);
        }

        assertThat(TestDirectories.tree(root)).containsExactly(
                "checkpoints",
                "checkpoints/alice",
                "checkpoints/alice/other:thread",
                "checkpoints/alice/other:thread/00000000000000000001_x.y_z.meta.json",
                "checkpoints/alice/other:thread/00000000000000000001_x.y_z.state",
                "checkpoints/alice/thread-1",
                "checkpoints/alice/thread-1/00000000000000000011_cp-11.meta.json",
                "checkpoints/alice/thread-1/00000000000000000011_cp-11.state",
                "checkpoints/alice/thread-1/00000000000000000012_cp-12.meta.json",
                "checkpoints/alice/thread-1/00000000000000000012_cp-12.state",
                "checkpoints/bob",
                "checkpoints/bob/thread-1",
                "checkpoints/bob/thread-1/00000000000000000001_cp-1.meta.json",
                "checkpoints/bob/thread-1/00000000000000000001_cp-1.state",
                "salvo.lock");
        assertThat(Files.readAllBytes(root.resolve("checkpoints/alice/thread-1/00000000000000000012_cp-12.state")))
                .isEqualTo(bytes("state 12"));
        assertThat(Files.readAllBytes(root.resolve("checkpoints/bob/thread-1/00000000000000000001_cp-1.state")))
                .isEqualTo(bytes("bob's"));
    }

    @Test
    @DisplayName("the metadata file is readable, pretty-printed JSON with snake_case keys and a format number")
    void metadataDocument() throws IOException {
        CheckpointMetadata metadata = new CheckpointMetadata("cp-1", "thread-1", T0, "cp-0", 7, "after tool call",
                List.of("b", "a", "b"), 0, Map.of("model", "gpt-x", "k1", "v1"), 0);
        store.save(ThreadKey.of("alice", "thread-1"), metadata, bytes("hello"));

        Path file = root.resolve("checkpoints/alice/thread-1/00000000000000000001_cp-1.meta.json");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains("\n  \"thread_id\"");
        JsonNode json = new ObjectMapper().readTree(text);

        List<String> keys = json.properties().stream().map(Map.Entry::getKey).toList();
        assertThat(keys).containsExactly("format", "id", "owner", "thread_id", "sequence", "created_at", "parent_id",
                "step", "label", "tags", "custom", "state_size");
        assertThat(keys).allMatch(key -> key.matches("[a-z]+(_[a-z]+)*"));
        assertThat(json.get("format").intValue()).isEqualTo(2);
        assertThat(json.get("id").textValue()).isEqualTo("cp-1");
        assertThat(json.get("owner").textValue()).isEqualTo("alice");
        assertThat(json.get("thread_id").textValue()).isEqualTo("thread-1");
        assertThat(json.get("sequence").longValue()).isEqualTo(1);
        assertThat(json.get("created_at").textValue()).isEqualTo("2026-01-02T03:04:05.123456Z");
        assertThat(json.get("parent_id").textValue()).isEqualTo("cp-0");
        assertThat(json.get("step").longValue()).isEqualTo(7);
        assertThat(json.get("label").textValue()).isEqualTo("after tool call");
        assertThat(json.get("tags")).extracting(JsonNode::textValue).containsExactly("b", "a", "b");
        assertThat(json.get("custom").get("model").textValue()).isEqualTo("gpt-x");
        assertThat(json.get("custom").get("k1").textValue()).isEqualTo("v1");
        assertThat(json.get("state_size").longValue()).isEqualTo(5);
    }

    @Test
    @DisplayName("absent optional fields are explicit nulls and empty collections")
    void absentFields() throws IOException {
        store.save(ThreadKey.of("alice", "t"), CheckpointMetadata.of("c", "t", Instant.parse("2026-01-02T03:04:05Z"), 0), new byte[0]);

        JsonNode json = new ObjectMapper().readTree(root.resolve("checkpoints/alice/t/00000000000000000001_c.meta.json").toFile());
        assertThat(json.get("parent_id").isNull()).isTrue();
        assertThat(json.get("label").isNull()).isTrue();
        assertThat(json.get("tags").isEmpty()).isTrue();
        assertThat(json.get("custom").isEmpty()).isTrue();
        assertThat(json.get("created_at").textValue()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(root.resolve("checkpoints/alice/t/00000000000000000001_c.state")).isEmptyFile();
    }

    @Test
    @DisplayName("deleting a thread or its last checkpoint removes its directory, and an owner's last thread its owner's")
    void emptyThreadsLeaveNoDirectory() {
        for (String owner : List.of("alice", "bob")) {
            for (String thread : List.of("a", "b", "c")) {
                store.save(ThreadKey.of(owner, thread), CheckpointMetadata.of("c", thread, T0, 0), bytes("x"));
            }
        }
        store.delete(ThreadKey.of("alice", "a"), "c");
        store.deleteThread(ThreadKey.of("alice", "b"));
        assertThat(TestDirectories.tree(root)).contains("checkpoints/alice", "checkpoints/alice/c")
                .doesNotContain("checkpoints/alice/a", "checkpoints/alice/b");
        store.prune(ThreadKey.of("alice", "c"), 0);
        store.deleteThread(ThreadKey.of("bob", "a"));
        store.deleteThread(ThreadKey.of("bob", "b"));
        store.deleteThread(ThreadKey.of("bob", "c"));
        assertThat(TestDirectories.tree(root)).containsExactly("checkpoints", "salvo.lock");

        store.save(ThreadKey.of("alice", "a"), CheckpointMetadata.of("c", "a", T0, 0), bytes("again"));
        assertThat(store.listThreads("alice")).containsExactly("a");
    }

    @Test
    @DisplayName("saves racing with the removal of their owner's directory recreate it")
    void ownerDirectoryRemovalRacesWithSaves() {
        dev.salvo.conformance.Concurrently.run(8, worker -> {
            for (int i = 0; i < 40; i++) {
                ThreadKey thread = ThreadKey.of("alice", "w" + worker + "-" + i);
                store.save(thread, CheckpointMetadata.of("c", thread.threadId(), T0, 0), bytes("x"));
                if (i < 39) {
                    store.deleteThread(thread);
                }
            }
        });
        assertThat(store.listThreads("alice")).containsExactly("w0-39", "w1-39", "w2-39", "w3-39", "w4-39", "w5-39",
                "w6-39", "w7-39");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
