package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Concurrently;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Racing writers of the same rows: the compare-and-set and the pair locking leave exactly one result. */
class PersistRaceTest {

    private static final String M = "model-a";
    private static final String ESCALATED = "model-b";

    private TestDatabase database;
    private PostgresDatabase poolA;
    private PostgresDatabase poolB;
    private PostgresBatchStorage replicaA;
    private PostgresBatchStorage replicaB;

    @BeforeEach
    void open() {
        database = PostgresTestServer.get().createDatabase();
        poolA = database.open(4);
        poolB = database.open(4);
        replicaA = new PostgresBatchStorage(poolA.dsl(), Clock.systemUTC());
        replicaB = new PostgresBatchStorage(poolB.dsl(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        poolA.close();
        poolB.close();
    }

    @Test
    void twoDaemonsCompletingTheSameRequestsLeaveExactlyOneResultEach() {
        int n = 200;
        Batch batch = BatchFixtures.batch(replicaA, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(replicaA, Instant.now());
        List<BatchRequest> claimed = replicaA.claimRequests(ClaimRequest.of(n, daemon, Map.of(M, n)));
        assertThat(claimed).hasSize(n);

        // Both "daemons" hold the same claim (as after a stale reclaim) and race to write a result.
        Map<RequestId, Queue<PersistResult>> outcomes = new ConcurrentHashMap<>();
        Concurrently.run(2, worker -> {
            PostgresBatchStorage storage = worker == 0 ? replicaA : replicaB;
            for (BatchRequest r : claimed) {
                RequestState.Claimed state = (RequestState.Claimed) r.state();
                RequestState.Processing processing = state.start(Instant.now());
                RequestState next = worker == 0
                        ? processing.complete(200, "{\"winner\":" + worker + "}", M, Instant.now())
                        : processing.fail(new FailureReason.NonRetriableHttpStatus(400, "late"), M, Instant.now());
                PersistResult result = storage.persist(r.withState(next));
                outcomes.computeIfAbsent(r.id(), id -> new ConcurrentLinkedQueue<>()).add(result);
            }
        });

        long completed = 0;
        for (BatchRequest r : claimed) {
            Queue<PersistResult> results = outcomes.get(r.id());
            assertThat(results).hasSize(2);
            assertThat(results.stream().filter(PersistResult::applied)).as("applied writes of %s", r.id()).hasSize(1);
            PersistResult.Dropped dropped = (PersistResult.Dropped) results.stream().filter(p -> !p.applied()).findFirst().orElseThrow();
            RequestStateKind stored = replicaB.getRequests(List.of(r.id())).stream()
                    .map(l -> ((dev.salvo.core.batch.RequestLookup.Found) l).request().state().kind()).findFirst().orElseThrow();
            assertThat(dropped.current()).isEqualTo(stored);
            completed += stored == RequestStateKind.COMPLETED ? 1 : 0;
        }
        Batch after = replicaA.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 0, completed, n - completed, 0));
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(lines(after.outputFileId())).isEqualTo(completed);
        assertThat(lines(after.errorFileId())).isEqualTo(n - completed);
    }

    @Test
    void aRacingPairCompletingAtOnceYieldsOneResultPerTemplate() {
        int n = 100;
        Batch batch = BatchFixtures.batch(replicaA, n, M);
        assertThat(replicaA.createEscalatedRequests(M, Duration.ofDays(2), Set.of(RequestStateKind.PENDING), ESCALATED, "escalation-key"))
                .isEqualTo(n);
        DaemonId daemonA = BatchFixtures.liveDaemon(replicaA, Instant.now());
        DaemonId daemonB = BatchFixtures.liveDaemon(replicaB, Instant.now());
        List<BatchRequest> originals = sortByLine(replicaA.claimRequests(ClaimRequest.of(n, daemonA, Map.of(M, n))));
        List<BatchRequest> copies = sortByLine(replicaB.claimRequests(ClaimRequest.of(n, daemonB, Map.of(ESCALATED, n))));
        assertThat(originals).hasSize(n).allMatch(r -> !r.data().isEscalated());
        assertThat(copies).hasSize(n).allMatch(r -> r.data().isEscalated() && r.data().apiKey().equals("escalation-key"));

        ConcurrentLinkedQueue<PersistResult> results = new ConcurrentLinkedQueue<>();
        Concurrently.run(2, worker -> {
            PostgresBatchStorage storage = worker == 0 ? replicaA : replicaB;
            for (BatchRequest r : worker == 0 ? originals : copies) {
                results.add(storage.persist(BatchFixtures.completed(r, Instant.now())));
            }
        });

        assertThat(results.stream().filter(PersistResult::applied)).hasSize(n);
        assertThat(results.stream().filter(PersistResult::applied))
                .allMatch(p -> ((PersistResult.Applied) p).supersededTwin().isPresent());
        assertThat(results.stream().filter(p -> !p.applied()))
                .allMatch(p -> ((PersistResult.Dropped) p).current() == RequestStateKind.SUPERSEDED);
        for (int i = 0; i < n; i++) {
            Set<RequestStateKind> pair = Set.of(kind(originals.get(i).id()), kind(copies.get(i).id()));
            assertThat(pair).containsExactlyInAnyOrder(RequestStateKind.COMPLETED, RequestStateKind.SUPERSEDED);
        }
        Batch after = replicaB.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 0, n, 0, 0));
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(lines(after.outputFileId())).isEqualTo(n);
        try (var results2 = replicaA.streamBatchResults(batch.id(), 0, null, null)) {
            assertThat(results2.toList()).hasSize(n).allMatch(r -> r.responseBody() != null);
        }
    }

    @Test
    void retryIsFencedOnTheOwningDaemon() {
        Batch batch = BatchFixtures.batch(replicaA, 1, M);
        DaemonId owner = BatchFixtures.liveDaemon(replicaA, Instant.now());
        BatchRequest claimed = replicaA.claimRequests(ClaimRequest.of(1, owner, Map.of(M, 1))).getFirst();
        BatchRequest processing = claimed.withState(((RequestState.Claimed) claimed.state()).start(Instant.now()));
        assertThat(replicaA.persist(processing).applied()).isTrue();
        RequestState.Pending retry = new RequestState.Pending(1, Instant.now().plusSeconds(5));

        ClaimToken claim = ClaimToken.held(claimed.state());
        assertThat(replicaB.rescheduleForRetry(claimed.id(), new ClaimToken(DaemonId.generate(), claim.claimedAt()), retry)).isFalse();
        assertThat(replicaB.rescheduleForRetry(claimed.id(), new ClaimToken(owner, claim.claimedAt().plusNanos(1_000)), retry))
                .as("the owner's claim of another moment").isFalse();
        assertThat(replicaB.rescheduleForRetry(claimed.id(), claim, retry)).isTrue();
        assertThat(replicaA.rescheduleForRetry(claimed.id(), claim, retry)).as("no longer processing").isFalse();
        assertThat(kind(claimed.id())).isEqualTo(RequestStateKind.PENDING);
        assertThat(replicaA.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(1, 1, 0, 0, 0, 0));
    }

    private RequestStateKind kind(RequestId id) {
        return replicaA.foundRequests(List.of(id)).getFirst().state().kind();
    }

    private long lines(dev.salvo.core.batch.FileId file) {
        try (Stream<FileContentItem> items = replicaA.streamFileContent(file, 0, null)) {
            return items.count();
        }
    }

    private static List<BatchRequest> sortByLine(List<BatchRequest> requests) {
        List<BatchRequest> sorted = new ArrayList<>(requests);
        sorted.sort(java.util.Comparator.comparingLong(r -> r.data().lineNumber()));
        return sorted;
    }
}
