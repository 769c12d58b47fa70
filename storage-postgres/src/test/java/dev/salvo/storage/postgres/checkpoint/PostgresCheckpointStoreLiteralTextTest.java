package dev.salvo.storage.postgres.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Text that means something to SQL (quotes, comments, LIKE wildcards, array syntax) is stored as data. */
class PostgresCheckpointStoreLiteralTextTest {

    private static final String INJECTION = "'; drop table checkpoints; --";

    private static TestDatabase database;
    private static PostgresDatabase pool;
    private CheckpointStore store;

    @BeforeAll
    static void open() {
        database = PostgresTestServer.get().createDatabase();
        pool = database.open(2);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @BeforeEach
    void emptyStore() {
        database.truncateAllTables();
        store = new PostgresCheckpointStore(pool.dsl());
    }

    @Test
    void metacharactersInTextRoundTripLiterally() {
        String thread = "t--x:y.z_";
        CheckpointMetadata metadata = new CheckpointMetadata("c--1.x:y_", thread, Instant.parse("2026-03-04T05:06:07.891234Z"),
                "p--0.", 3, "it's 100% \"quoted\"; -- " + INJECTION,
                List.of("'", "%", "_", "--", ";", INJECTION, "{a,b}", "NULL", "", "back\\slash", "\"dq\""),
                0,
                Map.of(INJECTION, "%_'\"\\", "quote'key", "--", "", "empty key", "{\"not\":\"nested\"}", "[1,2]"),
                0);

        store.save(thread, metadata, INJECTION.getBytes(StandardCharsets.UTF_8));

        CheckpointMetadata stored = metadata.asStored(1, INJECTION.length());
        assertThat(store.load(thread, metadata.id()).metadata()).isEqualTo(stored);
        assertThat(store.loadLatest(thread).state()).asString().isEqualTo(INJECTION);
        assertThat(store.list(thread)).containsExactly(stored);
        assertThat(store.list(thread, ListOptions.newest(1))).containsExactly(stored);
        assertThat(store.listThreads()).containsExactly(thread);
        assertThat(store.count(thread)).isEqualTo(1);
    }

    @Test
    void likeWildcardCharactersInIdsMatchOnlyThemselves() {
        for (String thread : List.of("a_c", "abc", "aXc")) {
            store.save(thread, CheckpointMetadata.of("c_1", thread, Instant.EPOCH, 1), new byte[] {1});
            store.save(thread, CheckpointMetadata.of("cx1", thread, Instant.EPOCH, 2), new byte[] {2});
        }

        store.delete("a_c", "c_1");
        store.deleteThread("abc");

        assertThat(store.list("a_c")).extracting(CheckpointMetadata::id).containsExactly("cx1");
        assertThat(store.count("aXc")).isEqualTo(2);
        assertThat(store.listThreads()).containsExactly("aXc", "a_c");
        assertThat(store.prune("a_c", 0)).isEqualTo(1);
        assertThat(store.count("aXc")).isEqualTo(2);
    }
}
