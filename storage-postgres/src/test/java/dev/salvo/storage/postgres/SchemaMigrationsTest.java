package dev.salvo.storage.postgres;

import static dev.salvo.storage.postgres.jooq.Tables.CHECKPOINTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.conformance.Concurrently;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class SchemaMigrationsTest {

    @Test
    void migratingTwiceAppliesEverythingOnceThenNothing() {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();

        MigrationReport first = SchemaMigrations.migrate(database.settings(1));
        MigrationReport second = SchemaMigrations.migrate(database.settings(1));

        assertThat(first.migrationsApplied()).isPositive();
        assertThat(first.schemaVersion()).isNotNull();
        assertThat(second.migrationsApplied()).isZero();
        assertThat(second.schemaVersion()).isEqualTo(first.schemaVersion());
    }

    @Test
    void replicasMigratingAtOnceApplyEachMigrationOnce() {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        ConcurrentLinkedQueue<MigrationReport> reports = new ConcurrentLinkedQueue<>();

        Concurrently.run(3, replica -> reports.add(SchemaMigrations.migrate(database.settings(1))));

        // Flyway's advisory lock lets one replica apply everything; the others find the schema current.
        assertThat(reports).filteredOn(r -> r.migrationsApplied() > 0).hasSize(1);
        assertThat(reports).extracting(MigrationReport::schemaVersion).containsOnly(reports.peek().schemaVersion());
        assertThat(SchemaMigrations.migrate(database.settings(1)).migrationsApplied()).isZero();
    }

    @Test
    void openWithMigrateOnStartCreatesTheSchema() throws SQLException {
        TestDatabase database = PostgresTestServer.get().createEmptyDatabase();
        try (PostgresDatabase opened = PostgresDatabase.open(database.settings(1).withMigrateOnStart(true))) {
            assertThat(opened.dsl().fetchCount(CHECKPOINTS)).isZero();
        }
        assertThat(indexes(database)).containsKey("checkpoints_pkey");
    }

    @Test
    void checkpointsHasItsKeysChecksAndByteOrderThreadIds() throws SQLException {
        TestDatabase database = PostgresTestServer.get().createDatabase();

        Map<String, String> indexes = indexes(database);
        assertThat(indexes.get("checkpoints_pkey")).contains("UNIQUE INDEX").endsWith("(owner, thread_id, id)");
        assertThat(indexes.get("checkpoints_thread_seq_key")).contains("UNIQUE INDEX").endsWith("(owner, thread_id, seq)");
        assertThat(constraints(database)).contains(
                "PRIMARY KEY checkpoints_pkey", "UNIQUE checkpoints_thread_seq_key",
                "CHECK checkpoints_seq_positive", "CHECK checkpoints_state_size_matches",
                "CHECK checkpoints_custom_is_object");
        assertThat(single(database,
                "select collation_name from information_schema.columns where table_name = ? and column_name = ?",
                "checkpoints", "thread_id")).isEqualTo("C");
        assertThat(single(database,
                "select collation_name from information_schema.columns where table_name = ? and column_name = ?",
                "checkpoints", "owner")).isEqualTo("C");

        assertThatThrownBy(() -> insertRaw(database, 0, 1))
                .isInstanceOf(SQLException.class).hasMessageContaining("checkpoints_seq_positive");
        assertThatThrownBy(() -> insertRaw(database, 1, 99))
                .isInstanceOf(SQLException.class).hasMessageContaining("checkpoints_state_size_matches");
    }

    private static void insertRaw(TestDatabase database, long seq, long stateSize) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into checkpoints (owner, thread_id, seq, id, step, created_at, state_size, state)"
                             + " values ('o', 't', ?, 'c', 0, now(), ?, '\\x01'::bytea)")) {
            insert.setLong(1, seq);
            insert.setLong(2, stateSize);
            insert.executeUpdate();
        }
    }

    private static Map<String, String> indexes(TestDatabase database) throws SQLException {
        Map<String, String> byName = new TreeMap<>();
        for (List<String> row : rows(database,
                "select indexname, indexdef from pg_indexes where tablename = ?", "checkpoints")) {
            byName.put(row.get(0), row.get(1));
        }
        return byName;
    }

    private static List<String> constraints(TestDatabase database) throws SQLException {
        return rows(database,
                "select constraint_type || ' ' || constraint_name from information_schema.table_constraints"
                        + " where table_name = ?", "checkpoints")
                .stream().map(List::getFirst).toList();
    }

    private static String single(TestDatabase database, String sql, String... parameters) throws SQLException {
        return rows(database, sql, parameters).getFirst().getFirst();
    }

    private static List<List<String>> rows(TestDatabase database, String sql, String... parameters) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        row.add(result.getString(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
