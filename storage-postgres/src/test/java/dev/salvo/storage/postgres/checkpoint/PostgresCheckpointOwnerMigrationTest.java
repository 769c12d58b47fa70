package dev.salvo.storage.postgres.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.LegacyThreadIds;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.postgres.MigrationReport;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.SchemaMigrations;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * {@code V4__checkpoint_owners.sql} over a database written before owners: rows inserted into the V3
 * schema exactly as the adapter wrote them then ({@code thread_id} {@code alice:run-42}) are readable
 * through the owner-scoped port after the migration, split by the same rule as {@link LegacyThreadIds}.
 */
class PostgresCheckpointOwnerMigrationTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    @Test
    void rowsWrittenBeforeOwnersAreReadableUnderTheirOwners() throws SQLException {
        TestDatabase database = databaseAtVersion3();
        insertLegacy(database, "alice:run-42", 1, "c1", null, "first");
        insertLegacy(database, "alice:run-42", 2, "c2", "c1", "second");
        insertLegacy(database, "bob:run-42", 1, "c1", null, "bob's");
        insertLegacy(database, "alice:a:b", 5, "x", null, "colon in the thread");
        insertLegacy(database, "plain", 1, "p", null, "no owner");

        MigrationReport report = SchemaMigrations.migrate(database.settings(1));
        assertThat(report.migrationsApplied()).isEqualTo(1);
        assertThat(report.schemaVersion()).isEqualTo("4");

        try (PostgresDatabase pool = database.open(2)) {
            CheckpointStore store = new PostgresCheckpointStore(pool.dsl());
            assertThat(store.listThreads("alice")).containsExactly("a:b", "run-42");
            assertThat(store.listThreads("bob")).containsExactly("run-42");
            assertThat(store.listThreads("UNOWNED")).containsExactly("plain");

            ThreadKey run42 = ThreadKey.of("alice", "run-42");
            assertThat(store.list(run42)).containsExactly(
                    new CheckpointMetadata("c1", "run-42", T0, null, 1, "label of c1", List.of("t"), 5, Map.of("k", "v"), 1),
                    new CheckpointMetadata("c2", "run-42", T0, "c1", 2, "label of c2", List.of("t"), 6, Map.of("k", "v"), 2));
            assertThat(store.load(run42, "c1").state()).isEqualTo(bytes("first"));
            assertThat(store.loadLatest(ThreadKey.of("bob", "run-42")).state()).isEqualTo(bytes("bob's"));
            assertThat(store.load(ThreadKey.of("alice", "a:b"), "x").metadata().sequence()).isEqualTo(5);
            assertThat(store.loadLatest(ThreadKey.of("UNOWNED", "plain")).state()).isEqualTo(bytes("no owner"));
            assertThat(store.count(ThreadKey.of("bob", "a:b"))).isZero();

            store.save(run42, CheckpointMetadata.of("c3", "run-42", T0, 3), bytes("third"));
            assertThat(store.list(run42)).extracting(CheckpointMetadata::sequence).containsExactly(1L, 2L, 3L);
            assertThatThrownBy(() -> store.save(run42, CheckpointMetadata.of("c1", "run-42", T0, 4), bytes("again")))
                    .isInstanceOf(CheckpointException.Conflict.class);
            // bob's thread of the same name is another thread: its own sequence, its own ids.
            store.save(ThreadKey.of("bob", "run-42"), CheckpointMetadata.of("c2", "run-42", T0, 2), bytes("bob 2"));
            assertThat(store.list(ThreadKey.of("bob", "run-42"))).extracting(CheckpointMetadata::sequence)
                    .containsExactly(1L, 2L);
        }
        assertThat(SchemaMigrations.migrate(database.settings(1)).migrationsApplied()).isZero();
    }

    @Test
    void theSqlSplitGivesTheSameKeysAsTheJavaRule() throws SQLException {
        Map<String, ThreadKey> expected = new LinkedHashMap<>();
        expected.put("alice:run-42", ThreadKey.of("alice", "run-42"));
        expected.put("alice:a:b", ThreadKey.of("alice", "a:b"));
        expected.put("a::", ThreadKey.of("a", ":"));
        expected.put("a.b:...", ThreadKey.of("a.b", "..."));
        expected.put("A-Z_0.9:x", ThreadKey.of("A-Z_0.9", "x"));
        expected.put("UNOWNED:y", ThreadKey.of("UNOWNED", "y"));
        expected.put("plain", ThreadKey.of("UNOWNED", "plain"));
        expected.put(":x", ThreadKey.of("UNOWNED", ":x"));
        expected.put("x:", ThreadKey.of("UNOWNED", "x:"));
        expected.put("x:.", ThreadKey.of("UNOWNED", "x:."));
        expected.put("x:..", ThreadKey.of("UNOWNED", "x:.."));
        expected.put("..:x", ThreadKey.of("UNOWNED", "..:x"));
        expected.put(".:.", ThreadKey.of("UNOWNED", ".:."));
        expected.put("::", ThreadKey.of("UNOWNED", "::"));
        expected.put("o".repeat(126) + ":t", ThreadKey.of("o".repeat(126), "t"));
        expected.put("o:" + "t".repeat(126), ThreadKey.of("o", "t".repeat(126)));
        TestDatabase database = databaseAtVersion3();
        for (String legacy : expected.keySet()) {
            insertLegacy(database, legacy, 1, "c", null, legacy);
        }

        SchemaMigrations.migrate(database.settings(1));

        Map<String, ThreadKey> migrated = new LinkedHashMap<>();
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement("select owner, thread_id, state from checkpoints");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                migrated.put(new String(rows.getBytes(3), StandardCharsets.UTF_8), ThreadKey.of(rows.getString(1), rows.getString(2)));
            }
        }
        assertThat(migrated).containsExactlyInAnyOrderEntriesOf(expected);
        for (Map.Entry<String, ThreadKey> entry : migrated.entrySet()) {
            assertThat(LegacyThreadIds.split(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    @Test
    void collidingLegacyThreadsStopTheMigrationAndChangeNothing() throws SQLException {
        TestDatabase database = databaseAtVersion3();
        insertLegacy(database, "UNOWNED:x", 1, "c1", null, "named UNOWNED");
        insertLegacy(database, "x", 1, "c1", null, "without an owner");

        assertThatThrownBy(() -> SchemaMigrations.migrate(database.settings(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checkpoints_pkey");

        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement(
                     "select thread_id from checkpoints order by thread_id collate \"C\"");
             ResultSet rows = query.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("UNOWNED:x");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("x");
            assertThat(rows.next()).isFalse();
        }
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement(
                     "select count(*) from information_schema.columns where table_name = 'checkpoints' and column_name = 'owner'");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
    }

    /** A database with Salvo's schema as it was before owners (V1 to V3). */
    private static TestDatabase databaseAtVersion3() {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations(SchemaMigrations.LOCATION)
                .table(SchemaMigrations.HISTORY_TABLE)
                .target("3")
                .load()
                .migrate();
        return database;
    }

    /** One row exactly as the adapter wrote it before owners. */
    private static void insertLegacy(TestDatabase database, String legacyThreadId, long sequence, String id, String parentId,
                                     String state) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into checkpoints (thread_id, seq, id, parent_id, step, created_at, label, tags, state_size,"
                             + " custom, state) values (?, ?, ?, ?, ?, ?::timestamptz, ?, ?::text[], ?, ?::jsonb, ?)")) {
            insert.setString(1, legacyThreadId);
            insert.setLong(2, sequence);
            insert.setString(3, id);
            insert.setString(4, parentId);
            insert.setLong(5, sequence);
            insert.setString(6, T0.toString());
            insert.setString(7, "label of " + id);
            insert.setString(8, "{t}");
            insert.setLong(9, bytes(state).length);
            insert.setString(10, "{\"k\": \"v\"}");
            insert.setBytes(11, bytes(state));
            insert.executeUpdate();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
