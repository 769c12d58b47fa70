package dev.salvo.bench;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The database's own limit for the storage cycle: the same three steps per request — a SKIP LOCKED
 * claim of up to 100 pending rows, then one update to processing and one to completed, each a
 * compare-and-set on the prior state — as bare JDBC statements on the adapter's schema, with none of
 * the adapter's work (counters, guards, finalization, mapping). The adapter's figure divided by this
 * one is the overhead ratio reported in docs/PERFORMANCE.md.
 */
final class RawSqlCycleBench {

    private static final String CLAIM = """
            update requests set state = 'claimed', daemon_id = ?, claimed_at = ?
             where id in (select id from requests
                           where batch_id = ? and model = ? and state = 'pending'
                           limit ? for update skip locked)
            returning id""";
    private static final String START = "update requests set state = 'processing', started_at = ? where id = ? and state = 'claimed'";
    private static final String COMPLETE = """
            update requests set state = 'completed', daemon_id = null, response_status = 200, response_body = ?, completed_at = ?,
                   response_size = ?
             where id = ? and state = 'processing'""";

    static StorageCycleBench.Result run(BatchStorage setupStorage, DataSource dataSource, int requests, int workers, int claimSize)
            throws Exception {
        FileId file = ((FileStreamResult.Success) setupStorage.createFileStream(
                new SyntheticFile(requests, 200, "model-a", "model-b"))).fileId();
        Batch batch = setupStorage.createBatch(BatchInput.of(file, "/v1/chat/completions", "24h"));
        AtomicLong done = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < workers; w++) {
            UUID daemon = UUID.randomUUID();
            int worker = w;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Connection c = dataSource.getConnection();
                     PreparedStatement claim = c.prepareStatement(CLAIM);
                     PreparedStatement started = c.prepareStatement(START);
                     PreparedStatement completed = c.prepareStatement(COMPLETE)) {
                    c.setAutoCommit(true);
                    start.await();
                    int round = worker;
                    while (done.get() < requests) {
                        claim.setObject(1, daemon);
                        claim.setTimestamp(2, Timestamp.from(Instant.now()));
                        claim.setObject(3, batch.id().value());
                        claim.setString(4, round++ % 2 == 0 ? "model-a" : "model-b");
                        claim.setInt(5, claimSize);
                        List<UUID> ids = new ArrayList<>();
                        try (ResultSet rs = claim.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getObject(1, UUID.class));
                            }
                        }
                        for (UUID id : ids) {
                            started.setTimestamp(1, Timestamp.from(Instant.now()));
                            started.setObject(2, id);
                            started.executeUpdate();
                            completed.setString(1, "{\"ok\":true}");
                            completed.setTimestamp(2, Timestamp.from(Instant.now()));
                            completed.setLong(3, 11);
                            completed.setObject(4, id);
                            completed.executeUpdate();
                            done.incrementAndGet();
                        }
                    }
                } catch (InterruptedException | SQLException e) {
                    failures.add(e);
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        return new StorageCycleBench.Result(requests, seconds, requests / seconds);
    }
}
