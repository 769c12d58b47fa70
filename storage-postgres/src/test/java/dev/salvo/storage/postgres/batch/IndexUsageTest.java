package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter's own statements, as jOOQ renders them, can be served by the indexes designed for them.
 * Each call is recorded, then EXPLAINed with sequential scans disabled: on these small test tables the
 * planner would otherwise prefer a scan, but an index whose predicate or expression does not match the
 * query (say, an ORDER BY that differs from the expression index) cannot be chosen at all.
 */
class IndexUsageTest {

    private static TestDatabase database;
    private static PostgresDatabase pool;
    private static final List<String> recorded = new ArrayList<>();
    /** The same statements as sent, with bind markers where values go. */
    private static final List<String> sent = new ArrayList<>();
    private static final JdbcRecorder jdbc = new JdbcRecorder();
    private static PostgresBatchStorage storage;

    @BeforeAll
    static void open() {
        database = PostgresTestServer.get().createDatabase();
        pool = database.open(2);
        ExecuteListener recorder = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                if (ctx.query() != null) {
                    synchronized (recorded) {
                        recorded.add(DSL.using(SQLDialect.POSTGRES).renderInlined(ctx.query()));
                        sent.add(ctx.sql());
                    }
                }
            }
        };
        DSLContext recording = DSL.using(pool.dsl().configuration()
                .derive(new DefaultExecuteListenerProvider(recorder))
                .derive(new DataSourceConnectionProvider(jdbc.wrap(pool.dataSource()))));
        storage = new PostgresBatchStorage(recording, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void claimUsesTheRunningBatchesAndPendingRowsIndexes() throws SQLException {
        BatchFixtures.batch(storage, 20, "m");
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        JdbcRecorder.Recorded claim = lastJdbc(() -> storage.claimRequests(ClaimRequest.of(5, daemon, Map.of("m", 5))), "with picked");
        // Which batches index serves the (tiny) candidate set is the planner's call; the pending rows
        // must come from the claim index and be locked there, before any sort of the whole backlog.
        assertThat(plan(claim)).contains("requests_claim_idx").contains("LockRows").doesNotContain("Seq Scan");
        // Literal states: even a generic plan of the prepared statement can match the partial index.
        assertThat(claim.sql()).contains("p.state = 'pending'");
    }

    @Test
    void groupWritesFindTheirRowsByPrimaryKey() throws SQLException {
        BatchFixtures.batch(storage, 20, "m");
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> claimed = storage.claimRequests(ClaimRequest.of(5, daemon, Map.of("m", 5)));
        JdbcRecorder.Recorded start = lastJdbc(() -> storage.persist(claimed.getFirst().withState(
                ((RequestState.Claimed) claimed.getFirst().state()).start(Instant.now()))), "update requests as r");
        JdbcRecorder.Recorded complete = lastJdbc(() -> storage.persist(BatchFixtures.completed(claimed.get(1), Instant.now())),
                "update requests as r");
        for (JdbcRecorder.Recorded write : List.of(start, complete)) {
            assertThat(plan(write)).contains("requests_pkey").doesNotContain("Seq Scan on requests");
        }
    }

    @Test
    void countsOfRunningBatchesReadOnlyTheInFlightIndex() throws SQLException {
        Batch batch = BatchFixtures.batch(storage, 5, "m");
        String read = last(() -> storage.getBatch(batch.id()), "select");
        assertThat(plan(read)).contains("requests_in_flight_idx");
    }

    @Test
    void listingsFollowTheirOrderingIndexes() throws SQLException {
        BatchFixtures.batch(storage, 2, "m");
        assertThat(plan(last(() -> storage.listBatches(ListBatchesFilter.all()), "select"))).contains("batches_listing_idx");
        assertThat(plan(last(() -> storage.listBatches(ListBatchesFilter.all().withActiveFirst(true)), "select")))
                .contains("batches_active_first_idx");
        assertThat(plan(last(() -> storage.listBatches(ListBatchesFilter.all().withCreatedBy("alice")), "select")))
                .contains("batches_owner_listing_idx");
        assertThat(plan(last(() -> storage.listFiles(FileFilter.all().page(null, 10)), "select"))).contains("files_listing_idx");
    }

    @Test
    void resultFilesStreamFromTheirKeysetIndexes() throws SQLException {
        Batch batch = BatchFixtures.batch(storage, 3, "m");
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        for (BatchRequest r : storage.claimRequests(ClaimRequest.of(3, daemon, Map.of("m", 3)))) {
            storage.persist(BatchFixtures.completed(r, Instant.now()));
        }
        assertThat(plan(last(() -> storage.streamFileContent(batch.outputFileId(), 0, null).toList(), "select")))
                .contains("requests_output_idx");
        assertThat(plan(last(() -> storage.streamFileContent(batch.errorFileId(), 0, null).toList(), "select")))
                .contains("requests_errors_idx");
        assertThat(plan(last(() -> storage.streamBatchResults(batch.id(), 0, null, null).toList(), "select")))
                .contains("requests_batch_line_idx");
        assertThat(plan(last(() -> storage.getFileTemplateStats(batch.fileId()), "select")))
                .contains("request_templates_file_model_idx");
    }

    @Test
    void maintenanceQueriesUseTheirPartialIndexes() throws SQLException {
        Batch batch = BatchFixtures.batch(storage, 2, "m");
        storage.deleteBatch(batch.id());
        assertThat(plan(first(() -> storage.purgeOrphanedRows(10), "delete"))).contains("batches_to_purge_idx");
        assertThat(plan(last(() -> storage.reclaimStaleRequests(Duration.ofMinutes(1), 10), "update")))
                .containsAnyOf("requests_daemon_idx", "requests_in_flight_idx");
        // As sent: literal states, so that the prepared statement's generic plan can use those partial
        // indexes too (with bind markers it walked the primary key over the whole table on every sweep).
        assertThat(lastSent(() -> storage.reclaimStaleRequests(Duration.ofMinutes(1), 10), "with"))
                .contains("in ('claimed', 'processing')");
        assertThat(plan(last(() -> storage.pollCompletedBatches(10), "update"))).contains("batches_to_notify_idx");
    }

    private static JdbcRecorder.Recorded lastJdbc(Runnable call, String prefix) {
        jdbc.clear();
        call.run();
        List<JdbcRecorder.Recorded> matching = jdbc.recorded().stream()
                .filter(r -> r.sql().stripLeading().toLowerCase().startsWith(prefix))
                .toList();
        assertThat(matching).as("JDBC statements starting with %s", prefix).isNotEmpty();
        return matching.getLast();
    }

    private static String lastSent(Runnable call, String verb) {
        synchronized (recorded) {
            sent.clear();
        }
        call.run();
        synchronized (recorded) {
            List<String> matching = sent.stream().filter(sql -> sql.stripLeading().toLowerCase().startsWith(verb)).toList();
            assertThat(matching).as("statements starting with %s in %s", verb, sent).isNotEmpty();
            return matching.getLast();
        }
    }

    private static String plan(JdbcRecorder.Recorded statement) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            return statement.explain(c);
        }
    }

    private static String last(Runnable call, String verb) {
        List<String> statements = record(call, verb);
        return statements.getLast();
    }

    private static String first(Runnable call, String verb) {
        return record(call, verb).getFirst();
    }

    private static List<String> record(Runnable call, String verb) {
        synchronized (recorded) {
            recorded.clear();
        }
        call.run();
        synchronized (recorded) {
            List<String> matching = recorded.stream()
                    .filter(sql -> sql.stripLeading().toLowerCase().startsWith(verb) || sql.toLowerCase().startsWith("with"))
                    .collect(Collectors.toList());
            assertThat(matching).as("statements starting with %s in %s", verb, recorded).isNotEmpty();
            return matching;
        }
    }

    private static String plan(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("explain " + sql)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
