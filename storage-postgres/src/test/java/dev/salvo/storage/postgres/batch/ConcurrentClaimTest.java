package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Concurrently;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims and persists from many threads, pools (replicas) at once: every request is claimed exactly
 * once, no claim exceeds its capacity or limit, and the batch counters stay exact while terminal
 * writes race.
 */
class ConcurrentClaimTest {

    private static final String M1 = "model-one";
    private static final String M2 = "model-two";

    private TestDatabase database;
    private final List<PostgresDatabase> pools = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        database = PostgresTestServer.get().createDatabase();
    }

    @AfterEach
    void closePools() {
        pools.forEach(PostgresDatabase::close);
    }

    private PostgresBatchStorage replica(int poolSize) {
        PostgresDatabase pool = database.open(poolSize);
        pools.add(pool);
        return new PostgresBatchStorage(pool.dsl(), Clock.systemUTC());
    }

    /**
     * Claimers of one pool with different per-model capacities over several batches. (The contract's
     * BS-5.11 runs the plain 8 × 10,000 case against this adapter.)
     */
    @Test
    void claimersWithDifferentCapacitiesNeverExceedThemAndTakeEachRequestOnce() {
        PostgresBatchStorage storage = replica(10);
        int perBatch = 1_500;
        List<Batch> batches = List.of(BatchFixtures.batch(storage, perBatch, M1, M2), BatchFixtures.batch(storage, perBatch, M1),
                BatchFixtures.batch(storage, perBatch, M2));
        Set<Object> claimed = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        Concurrently.run(6, worker -> {
            DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
            // worker 0 only serves M1, worker 1 only M2, the others both with uneven slots
            Map<String, Integer> capacity = switch (worker) {
                case 0 -> Map.of(M1, 17);
                case 1 -> Map.of(M2, 23, M1, 0);
                default -> Map.of(M1, 5 + worker, M2, 31 - worker);
            };
            int limit = 20 + worker;
            while (true) {
                List<BatchRequest> got = storage.claimRequests(ClaimRequest.of(limit, daemon, capacity));
                if (got.isEmpty()) {
                    return;
                }
                Map<String, Long> perModel = got.stream().collect(Collectors.groupingBy(r -> r.data().model(), Collectors.counting()));
                perModel.forEach((model, n) -> {
                    if (n > capacity.getOrDefault(model, 0)) {
                        violations.add("worker " + worker + " got " + n + " of " + model + " with capacity " + capacity);
                    }
                });
                if (got.size() > limit) {
                    violations.add("worker " + worker + " got " + got.size() + " with limit " + limit);
                }
                for (BatchRequest r : got) {
                    if (r.state().kind() != RequestStateKind.CLAIMED || !claimed.add(r.id())) {
                        violations.add("request " + r.id() + " claimed twice or not claimed");
                    }
                }
            }
        });

        assertThat(violations).isEmpty();
        assertThat(claimed).hasSize(3 * perBatch);
        for (Batch b : batches) {
            assertThat(storage.getBatch(b.id()).counts()).isEqualTo(new RequestCounts(perBatch, 0, perBatch, 0, 0, 0));
        }
    }

    @Test
    void twoReplicasClaimAndCompleteConcurrentlyAndTheBatchClosesOnceWithExactCounts() {
        PostgresBatchStorage replicaA = replica(5);
        PostgresBatchStorage replicaB = replica(5);
        int total = 2_000;
        Batch batch = BatchFixtures.batch(replicaA, total, M1, M2);

        Map<Object, Integer> claimedBy = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, worker -> {
            PostgresBatchStorage storage = worker % 2 == 0 ? replicaA : replicaB;
            DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
            while (true) {
                List<BatchRequest> got = storage.claimRequests(ClaimRequest.of(20, daemon, Map.of(M1, 20, M2, 20)));
                if (got.isEmpty()) {
                    return;
                }
                for (BatchRequest r : got) {
                    if (claimedBy.putIfAbsent(r.id(), worker) != null) {
                        violations.add("request " + r.id() + " claimed twice");
                    }
                    // Completion races with other workers' completions of the same batch: the counters
                    // and the "last request closes the batch" decision must still be exact.
                    if (!storage.persist(BatchFixtures.completed(r, Instant.now())).applied()) {
                        violations.add("completion of " + r.id() + " dropped");
                    }
                }
            }
        });

        assertThat(violations).isEmpty();
        assertThat(claimedBy).hasSize(total);
        Batch done = replicaB.getBatch(batch.id());
        assertThat(done.counts()).isEqualTo(new RequestCounts(total, 0, 0, total, 0, 0));
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.finalizingAt()).isNotNull();
        assertThat(replicaA.finalizeBatches(10)).isEmpty();
        try (var output = replicaA.streamFileContent(done.outputFileId(), 0, null)) {
            assertThat(output.count()).isEqualTo(total);
        }
        Map<Integer, Long> perWorker = new HashMap<>();
        claimedBy.values().forEach(w -> perWorker.merge(w, 1L, Long::sum));
        assertThat(perWorker.keySet()).as("every worker got work").hasSizeGreaterThan(1);
    }
}
