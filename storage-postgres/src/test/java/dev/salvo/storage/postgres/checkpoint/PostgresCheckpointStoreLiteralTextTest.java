package dev.salvo.storage.postgres.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
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
        ThreadKey key = ThreadKey.of("o--_.", thread);
        CheckpointMetadata metadata = new CheckpointMetadata("c--1.x:y_", thread, Instant.parse("2026-03-04T05:06:07.891234Z"),
                "p--0.", 3, "it's 100% \"quoted\"; -- " + INJECTION,
                List.of("'", "%", "_", "--", ";", INJECTION, "{a,b}", "NULL", "", "back\\slash", "\"dq\""),
                0,
                Map.of(INJECTION, "%_'\"\\", "quote'key", "--", "", "empty key", "{\"not\":\"nested\"}", "[1,2]"),
                0);

        store.save(key, metadata, INJECTION.getBytes(StandardCharsets.UTF_8));

        CheckpointMetadata stored = metadata.asStored(1, INJECTION.length());
        assertThat(store.load(key, metadata.id()).metadata()).isEqualTo(stored);
        assertThat(store.loadLatest(key).state()).asString().isEqualTo(INJECTION);
        assertThat(store.list(key)).containsExactly(stored);
        assertThat(store.list(key, ListOptions.newest(1))).containsExactly(stored);
        assertThat(store.listThreads("o--_.")).containsExactly(thread);
        assertThat(store.count(key)).isEqualTo(1);
    }

    @Test
    void likeWildcardCharactersInIdsMatchOnlyThemselves() {
        for (String owner : List.of("o_1", "oX1")) {
            for (String thread : List.of("a_c", "abc", "aXc")) {
                store.save(ThreadKey.of(owner, thread), CheckpointMetadata.of("c_1", thread, Instant.EPOCH, 1), new byte[] {1});
                store.save(ThreadKey.of(owner, thread), CheckpointMetadata.of("cx1", thread, Instant.EPOCH, 2), new byte[] {2});
            }
        }

        store.delete(ThreadKey.of("o_1", "a_c"), "c_1");
        store.deleteThread(ThreadKey.of("o_1", "abc"));

        assertThat(store.list(ThreadKey.of("o_1", "a_c"))).extracting(CheckpointMetadata::id).containsExactly("cx1");
        assertThat(store.count(ThreadKey.of("o_1", "aXc"))).isEqualTo(2);
        assertThat(store.listThreads("o_1")).containsExactly("aXc", "a_c");
        assertThat(store.listThreads("o_1", ThreadListOptions.all().after("a_"))).containsExactly("a_c");
        assertThat(store.listThreads("oX1")).containsExactly("aXc", "a_c", "abc");
        assertThat(store.prune(ThreadKey.of("o_1", "a_c"), 0)).isEqualTo(1);
        assertThat(store.count(ThreadKey.of("o_1", "aXc"))).isEqualTo(2);
        assertThat(store.count(ThreadKey.of("oX1", "a_c"))).isEqualTo(2);
    }
}
