package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** V2__batches.sql: the indexes the queries rely on exist with their shapes, and the checks hold. */
class BatchSchemaTest {

    private static TestDatabase database;

    @BeforeAll
    static void migrate() {
        database = PostgresTestServer.get().createDatabase();
    }

    @Test
    void everyQueryIndexExistsWithItsShape() throws SQLException {
        Map<String, String> idx = indexes();
        assertThat(idx.get("requests_claim_idx")).contains("(batch_id, model, line_number, id)").contains("WHERE")
                .contains("'pending'");
        assertThat(idx.get("requests_in_flight_idx")).contains("(batch_id)").contains("'claimed'").contains("'processing'");
        assertThat(idx.get("requests_daemon_idx")).contains("(daemon_id)");
        assertThat(idx.get("requests_output_idx")).contains("(batch_id, completed_at, id)").contains("'completed'");
        assertThat(idx.get("requests_errors_idx")).contains("(batch_id, failed_at, id)").contains("escalated_from IS NULL");
        assertThat(idx.get("requests_batch_line_idx")).contains("(batch_id, line_number, id)").doesNotContain("WHERE");
        assertThat(idx.get("requests_copy_of_idx")).contains("(escalated_from)");
        assertThat(idx.get("requests_live_copies_idx")).contains("(batch_id)");
        assertThat(idx.get("request_templates_file_line_key")).contains("UNIQUE").contains("(file_id, line_number)");
        assertThat(idx.get("request_templates_file_model_idx")).contains("(file_id, model) INCLUDE (body_byte_size)");
        assertThat(idx.get("batches_running_idx")).contains("(expires_at, id)").contains("in_progress_at IS NOT NULL");
        assertThat(idx.get("batches_unfinished_idx")).contains("WHERE");
        assertThat(idx.get("batches_listing_idx")).contains("(created_at DESC, created_seq DESC)");
        assertThat(idx.get("batches_owner_listing_idx")).contains("(created_by, created_at DESC, created_seq DESC)");
        assertThat(idx.get("batches_active_first_idx")).contains("DESC, created_at DESC, created_seq DESC");
        assertThat(idx.get("batches_to_notify_idx")).contains("notified_at IS NULL");
        assertThat(idx.get("batches_to_purge_idx")).contains("rows_purged_at IS NULL");
        assertThat(idx.get("batches_output_file_key")).contains("UNIQUE");
        assertThat(idx.get("batches_error_file_key")).contains("UNIQUE");
        assertThat(idx.get("files_listing_idx")).contains("(created_at, created_seq)");
        assertThat(idx.get("files_uploader_listing_idx")).contains("(uploaded_by, created_at, created_seq)");
        assertThat(idx.get("files_to_purge_idx")).contains("rows_purged_at IS NULL");
        assertThat(idx.get("daemons_status_idx")).contains("(status, started_at DESC, id DESC)");
    }

    @Test
    void batchRowsLeaveRoomForHotCounterUpdates() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select array_to_string(reloptions, ',') from pg_class where relname = 'batches'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("fillfactor=70");
        }
    }

    @Test
    void stateChecksRejectInconsistentRequestRows() throws SQLException {
        UUID file = UUID.randomUUID();
        UUID batch = UUID.randomUUID();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("insert into files (id, name, status, created_at, size_finalized) values ('" + file + "', 'f', 'processed', now(), true)");
            s.execute("insert into batches (id, file_id, endpoint, completion_window, metadata, created_by, created_at, expires_at, total_requests)"
                    + " values ('" + batch + "', '" + file + "', '/v1/x', '24h', '{}', '', now(), now(), 1)");
        }
        assertThatThrownBy(() -> insertRequest(batch, "claimed", "null", "null")).hasMessageContaining("requests_claimed_fields");
        assertThatThrownBy(() -> insertRequest(batch, "pending", "null", "now()")).hasMessageContaining("requests_pending_fields");
        assertThatThrownBy(() -> insertRequest(batch, "completed", "'" + UUID.randomUUID() + "'", "now()"))
                .hasMessageContaining("requests_completed_fields");
        assertThatThrownBy(() -> insertRequest(batch, "exploded", "null", "null")).hasMessageContaining("requests_state_known");
        assertThatThrownBy(() -> exec("update batches set completed_count = 2 where id = '" + batch + "'"))
                .hasMessageContaining("batches_counters_within_total");
        assertThatThrownBy(() -> exec("update batches set cancelled_at = now() where id = '" + batch + "'"))
                .hasMessageContaining("batches_cancelled_after_cancelling");
        assertThatThrownBy(() -> exec("update files set status = 'deleted' where id = '" + file + "'"))
                .hasMessageContaining("files_deleted_iff_stamped");
    }

    /** {@code daemon} and {@code claimedAt} are SQL literals. */
    private static void insertRequest(UUID batch, String state, String daemon, String claimedAt) throws SQLException {
        exec("insert into requests (id, batch_id, line_number, model, state, daemon_id, claimed_at, created_at) values ('"
                + UUID.randomUUID() + "', '" + batch + "', 0, 'm', '" + state + "', " + daemon + ", " + claimedAt + ", now())");
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Map<String, String> indexes() throws SQLException {
        Map<String, String> byName = new TreeMap<>();
        try (Connection c = database.connect();
             PreparedStatement q = c.prepareStatement("select indexname, indexdef from pg_indexes where tablename in"
                     + " ('files', 'request_templates', 'batches', 'requests', 'daemons')");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                byName.put(rs.getString(1), rs.getString(2));
            }
        }
        return byName;
    }
}
