package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.conformance.Concurrently;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimRequest;
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
import dev.salvo.storage.postgres.batch.PersistQueue.Outcome;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit of {@code persist} against PostgreSQL: writes of many callers in one transaction with
 * set-based statements, and each caller still gets exactly the outcome a write of its own would have.
 * The first group can be held open so that the writes behind it form one known group.
 */
class GroupPersistTest {

    private static final String M = "model-a";

    private TestDatabase database;
    private PostgresDatabase pool;
    private PostgresBatchStorage storage;

    private final CountDownLatch firstGroupEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirstGroup = new CountDownLatch(1);
    private volatile boolean holdFirstGroup;
    private final List<Integer> groupSizes = new CopyOnWriteArrayList<>();
    private final List<Throwable> groupFailures = new CopyOnWriteArrayList<>();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        database = PostgresTestServer.get().createDatabase();
        pool = database.open(8);
        storage = new PostgresBatchStorage(pool.dsl(), Clock.systemUTC(), real -> group -> {
            groupSizes.add(group.size());
            if (holdFirstGroup && groupSizes.size() == 1) {
                firstGroupEntered.countDown();
                BatchFixtures.awaitOpen(releaseFirstGroup);
            }
            try {
                List<Outcome> written = real.write(group);
                outcomes.addAll(written);
                return written;
            } catch (RuntimeException e) {
                groupFailures.add(e);
                throw e;
            }
        });
    }

    @AfterEach
    void close() {
        releaseFirstGroup.countDown();
        pool.close();
    }

    @Test
    void concurrentWritesAreCommittedTogetherWithExactCountersAndFinalization() throws Exception {
        int n = 300;
        Batch batch = BatchFixtures.batch(storage, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> claimed = claimAll(daemon, n);
        assertThat(claimed).hasSize(n);

        // Starts: the first is held, the other n - 1 queue up behind it and form the second group.
        holdFirstGroup = true;
        List<BatchRequest> started = new ArrayList<>(claimed.stream().map(GroupPersistTest::started).toList());
        List<Thread> callers = new ArrayList<>();
        Queue<PersistResult> startResults = new ConcurrentLinkedQueue<>();
        callers.add(Thread.ofVirtual().start(() -> startResults.add(storage.persist(started.getFirst()))));
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (BatchRequest r : started.subList(1, n)) {
            callers.add(Thread.ofVirtual().start(() -> startResults.add(storage.persist(r))));
        }
        waitUntilQueued(n - 1);
        releaseFirstGroup.countDown();
        joinAll(callers);
        assertThat(startResults).hasSize(n).allMatch(PersistResult::applied);
        assertThat(groupSizes).startsWith(1, n - 1);

        // Results: completed, failed and canceled mixed, from many threads at once.
        Concurrently.run(16, worker -> {
            for (int i = worker; i < n; i += 16) {
                BatchRequest r = started.get(i);
                RequestState.Processing p = (RequestState.Processing) r.state();
                RequestState next = switch (i % 3) {
                    case 0 -> p.complete(200, "{\"line\":" + i + "}", M, Instant.now());
                    case 1 -> p.fail(new FailureReason.NonRetriableHttpStatus(400, "bad " + i), M, Instant.now());
                    default -> p.cancel(Instant.now());
                };
                assertThat(storage.persist(r.withState(next)).applied()).isTrue();
            }
        });

        assertThat(groupFailures).isEmpty();
        assertThat(outcomes).noneMatch(o -> o instanceof Outcome.Alone);
        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 0, n / 3, n / 3, n / 3));
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(lines(after.outputFileId())).isEqualTo(n / 3);
        assertThat(lines(after.errorFileId())).isEqualTo(n / 3);
        List<BatchRequest> stored = byLine(storage.foundRequests(claimed.stream().map(BatchRequest::id).toList()));
        for (int i = 0; i < n; i++) {
            RequestState state = stored.get(i).state();
            int line = i;
            switch (i % 3) {
                case 0 -> assertThat(state).isInstanceOfSatisfying(RequestState.Completed.class,
                        c -> assertThat(c.responseBody()).isEqualTo("{\"line\":" + line + "}"));
                case 1 -> assertThat(state).isInstanceOf(RequestState.Failed.class);
                default -> assertThat(state).isInstanceOf(RequestState.Canceled.class);
            }
        }
    }

    @Test
    void concurrentWritesOfTheSameRequestsThroughOneStoreResolveByTheGuard() {
        int n = 200;
        Batch batch = BatchFixtures.batch(storage, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> claimed = storage.claimRequests(ClaimRequest.of(n, daemon, Map.of(M, n)));

        Map<RequestId, Queue<PersistResult>> results = new ConcurrentHashMap<>();
        Concurrently.run(4, worker -> {
            for (BatchRequest r : claimed) {
                RequestState.Processing processing = ((RequestState.Claimed) r.state()).start(Instant.now());
                RequestState next = worker % 2 == 0
                        ? processing.complete(200, "{\"worker\":" + worker + "}", M, Instant.now())
                        : processing.fail(new FailureReason.NonRetriableHttpStatus(400, "worker " + worker), M, Instant.now());
                results.computeIfAbsent(r.id(), id -> new ConcurrentLinkedQueue<>()).add(storage.persist(r.withState(next)));
            }
        });

        long completed = 0;
        for (BatchRequest r : claimed) {
            Queue<PersistResult> mine = results.get(r.id());
            assertThat(mine).hasSize(4);
            assertThat(mine.stream().filter(PersistResult::applied)).as("applied writes of %s", r.id()).hasSize(1);
            RequestStateKind stored = storage.foundRequests(List.of(r.id())).getFirst().state().kind();
            assertThat(mine.stream().filter(p -> !p.applied())).allMatch(p -> ((PersistResult.Dropped) p).current() == stored);
            completed += stored == RequestStateKind.COMPLETED ? 1 : 0;
        }
        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 0, completed, n - completed, 0));
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(lines(after.outputFileId())).isEqualTo(completed);
        assertThat(lines(after.errorFileId())).isEqualTo(n - completed);
    }

    @Test
    void aGroupTheDatabaseRejectsLosesNothingAndAcknowledgesOnlyWhatWasWritten() throws Exception {
        // A row the database refuses to take: the group holding it rolls back as a whole.
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("""
                    create function reject_poison() returns trigger language plpgsql as $$
                    begin
                      if new.response_body = 'poison' then raise exception 'poisoned row'; end if;
                      return new;
                    end $$""");
            s.execute("create trigger reject_poison before update on requests for each row execute function reject_poison()");
        }
        int n = 11;
        Batch batch = BatchFixtures.batch(storage, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> started = claimAll(daemon, n).stream()
                .map(GroupPersistTest::started).toList();
        for (BatchRequest r : started) {
            assertThat(storage.persist(r).applied()).isTrue();
        }
        int poisoned = 5;
        Function<Integer, BatchRequest> result = i -> {
            RequestState.Processing p = (RequestState.Processing) started.get(i).state();
            return started.get(i).withState(p.complete(200, i == poisoned ? "poison" : "{\"ok\":" + i + "}", M, Instant.now()));
        };
        groupSizes.clear();
        holdFirstGroup = true;

        Map<Integer, Object> answers = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        callers.add(Thread.ofVirtual().start(() -> answers.put(0, storage.persist(result.apply(0)))));
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (int i = 1; i < n; i++) {
            int line = i;
            callers.add(Thread.ofVirtual().start(() -> {
                try {
                    answers.put(line, storage.persist(result.apply(line)));
                } catch (RuntimeException e) {
                    answers.put(line, e);
                }
            }));
        }
        waitUntilQueued(n - 1);
        releaseFirstGroup.countDown();
        joinAll(callers);

        assertThat(groupSizes).startsWith(1, n - 1);
        assertThat(groupFailures).hasSize(1);
        for (int i = 0; i < n; i++) {
            if (i == poisoned) {
                assertThat(answers.get(i)).isInstanceOf(BatchStorageException.Backend.class);
            } else {
                assertThat(answers.get(i)).as("line %d", i).isEqualTo(PersistResult.Applied.plain());
            }
        }
        assertThat(storage.foundRequests(List.of(started.get(poisoned).id())).getFirst().state().kind())
                .isEqualTo(RequestStateKind.PROCESSING);
        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 1, n - 1, 0, 0));
        assertThat(lines(after.outputFileId())).isEqualTo(n - 1);
    }

    @Test
    void completionsOfOriginalsWithARacingCopyLeaveTheGroupAndSupersedeTheirTwin() throws Exception {
        int n = 10;
        String plain = "model-c";
        Batch batch = BatchFixtures.batch(storage, n, M, plain);   // lines alternate between the two models
        assertThat(storage.createEscalatedRequests(M, java.time.Duration.ofDays(2), java.util.Set.of(RequestStateKind.PENDING),
                "model-b", null)).isEqualTo(n / 2);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> originals = byLine(storage.claimRequests(ClaimRequest.of(n, daemon, Map.of(M, n, plain, n))));
        assertThat(originals).hasSize(n).noneMatch(r -> r.data().isEscalated());
        groupSizes.clear();
        outcomes.clear();
        holdFirstGroup = true;

        Map<Integer, PersistResult> answers = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        callers.add(Thread.ofVirtual().start(() -> answers.put(0, storage.persist(BatchFixtures.completed(originals.getFirst(), Instant.now())))));
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (int i = 1; i < n; i++) {
            int line = i;
            callers.add(Thread.ofVirtual().start(() -> answers.put(line, storage.persist(BatchFixtures.completed(originals.get(line), Instant.now())))));
        }
        waitUntilQueued(n - 1);
        releaseFirstGroup.countDown();
        joinAll(callers);

        assertThat(groupSizes).startsWith(1, n - 1);
        // The second group: the plain model's completions were written by it, the escalated ones alone.
        List<Outcome> second = outcomes.subList(1, n);
        assertThat(second).filteredOn(o -> o instanceof Outcome.Alone).hasSize(n / 2 - 1);
        assertThat(second).filteredOn(o -> o instanceof Outcome.Done).hasSize(n / 2);
        for (int i = 0; i < n; i++) {
            PersistResult answer = answers.get(i);
            assertThat(answer.applied()).as("line %d", i).isTrue();
            java.util.Optional<RequestId> twin = ((PersistResult.Applied) answer).supersededTwin();
            if (originals.get(i).data().model().equals(plain)) {
                assertThat(twin).as("line %d", i).isEmpty();
            } else {
                assertThat(twin).as("line %d", i).isPresent();
                assertThat(storage.foundRequests(List.of(twin.get())).getFirst().state().kind()).isEqualTo(RequestStateKind.SUPERSEDED);
            }
        }
        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts()).isEqualTo(new RequestCounts(n, 0, 0, n, 0, 0));
        assertThat(after.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(lines(after.outputFileId())).isEqualTo(n);
    }

    @Test
    void valuesTravelThroughTheGroupsArraysByteForByte() throws Exception {
        List<String> bodies = List.of("NULL", "null", "", " ", "{\"a\":\"b,c\"}", "\"quoted\"", "back\\slash\\\"", "{}", "{,}",
                "line\nbreak\ttab\r", "ünïcødé 🚀 中文", "'single'", "a\u0001b", "  padded  ", "{\"nested\":{\"x\":[1,2,{\"y\":null}]}}");
        int n = bodies.size();
        BatchFixtures.batch(storage, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> started = claimAll(daemon, n).stream()
                .map(GroupPersistTest::started).toList();
        started.forEach(storage::persist);
        groupSizes.clear();
        holdFirstGroup = true;

        Instant completedAt = Instant.parse("2026-11-22T13:40:04.123456Z");
        List<Thread> callers = new ArrayList<>();
        java.util.function.IntFunction<BatchRequest> result = i -> {
            RequestState.Processing p = (RequestState.Processing) started.get(i).state();
            return i % 2 == 0
                    ? started.get(i).withState(p.complete(200 + i, bodies.get(i), "routed " + bodies.get(i), completedAt))
                    : started.get(i).withState(p.fail(new FailureReason.NonRetriableHttpStatus(400, bodies.get(i)), bodies.get(i), completedAt));
        };
        callers.add(Thread.ofVirtual().start(() -> storage.persist(result.apply(0))));
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (int i = 1; i < n; i++) {
            int line = i;
            callers.add(Thread.ofVirtual().start(() -> storage.persist(result.apply(line))));
        }
        waitUntilQueued(n - 1);
        releaseFirstGroup.countDown();
        joinAll(callers);

        assertThat(groupSizes).startsWith(1, n - 1);
        assertThat(outcomes).noneMatch(o -> o instanceof Outcome.Alone);
        List<BatchRequest> stored = byLine(storage.foundRequests(started.stream().map(BatchRequest::id).toList()));
        for (int i = 0; i < n; i++) {
            assertThat(stored.get(i).state()).as("line %d", i).isEqualTo(result.apply(i).state());
        }
    }

    @Test
    void theBatchRowStatementFindsExactlyTheOriginalsThatHaveACopy() {
        Batch batch = BatchFixtures.batch(storage, 4, M, "model-c");
        storage.createEscalatedRequests(M, java.time.Duration.ofDays(2), java.util.Set.of(RequestStateKind.PENDING), "model-b", null);
        List<BatchRequest> originals = byLine(storage.streamBatchRequests(batch.id()).filter(r -> !r.data().isEscalated()).toList());
        UUID[] probe = originals.stream().map(r -> r.id().value()).toArray(UUID[]::new);
        Sql sql = new Sql(pool.dsl(), Clock.systemUTC());
        BatchFinalizer finalizer = new BatchFinalizer(sql);
        java.util.Set<UUID> expected = java.util.Set.of(originals.get(0).id().value(), originals.get(2).id().value());
        // Both statement shapes: counters unchanged (lock only) and counters added.
        for (CounterDelta delta : List.of(CounterDelta.NONE, new CounterDelta(0, 0, 0, 1, 1, 0, 0))) {
            java.util.Set<UUID> found = sql.transaction("probe", tx -> finalizer.settleUnlessCopied(tx, batch.id().value(), delta, sql.now(), probe));
            assertThat(found).isEqualTo(expected);
        }
        java.util.Set<UUID> none = sql.transaction("probe", tx -> finalizer.settleUnlessCopied(tx, batch.id().value(), CounterDelta.NONE,
                sql.now(), new UUID[] {originals.get(1).id().value()}));
        assertThat(none).isEmpty();
    }

    @Test
    void anUnknownRequestFailsItsOwnCallerOnly() throws Exception {
        int n = 4;
        Batch batch = BatchFixtures.batch(storage, n, M);
        DaemonId daemon = BatchFixtures.liveDaemon(storage, Instant.now());
        List<BatchRequest> claimed = claimAll(daemon, n);
        List<BatchRequest> started = claimed.stream().map(GroupPersistTest::started).toList();
        started.forEach(storage::persist);
        BatchRequest unknown = BatchFixtures.completed(withId(claimed.getFirst(), RequestId.generate()), Instant.now());
        groupSizes.clear();
        holdFirstGroup = true;

        List<Thread> callers = new ArrayList<>();
        Map<Integer, Object> answers = new ConcurrentHashMap<>();
        callers.add(Thread.ofVirtual().start(() -> answers.put(0, storage.persist(done(started.getFirst())))));
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        callers.add(Thread.ofVirtual().start(() -> {
            try {
                answers.put(-1, storage.persist(unknown));
            } catch (RuntimeException e) {
                answers.put(-1, e);
            }
        }));
        for (int i = 1; i < n; i++) {
            int line = i;
            callers.add(Thread.ofVirtual().start(() -> answers.put(line, storage.persist(done(started.get(line))))));
        }
        waitUntilQueued(n);
        releaseFirstGroup.countDown();
        joinAll(callers);

        assertThat(groupSizes).startsWith(1, n);
        assertThat(answers.get(-1)).isInstanceOf(BatchStorageException.NotFound.class);
        for (int i = 0; i < n; i++) {
            assertThat(answers.get(i)).isEqualTo(PersistResult.Applied.plain());
        }
        assertThat(storage.getBatch(batch.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThatThrownBy(() -> storage.persist(unknown)).isInstanceOf(BatchStorageException.NotFound.class);
    }

    private static BatchRequest started(BatchRequest claimed) {
        // Microseconds: what PostgreSQL keeps, so a stored state compares equal to the written one.
        return claimed.withState(((RequestState.Claimed) claimed.state()).start(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }

    private static BatchRequest done(BatchRequest started) {
        RequestState.Processing p = (RequestState.Processing) started.state();
        return started.withState(p.complete(200, "{\"ok\":true}", M, Instant.now()));
    }

    private static BatchRequest withId(BatchRequest request, RequestId id) {
        var d = request.data();
        return new BatchRequest(new dev.salvo.core.batch.RequestData(id, d.batchId(), d.templateId(), d.lineNumber(), d.customId(),
                d.endpoint(), d.method(), d.path(), d.body(), d.model(), d.apiKey(), d.createdBy(), d.batchExpiresAt(),
                d.escalatedFrom(), d.batchMetadata()), request.state());
    }

    private void waitUntilQueued(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (storage.queuedWrites() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + storage.queuedWrites() + " of " + n + " writes queued");
            }
            Thread.sleep(5);
        }
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(t.isAlive()).as("caller %s still blocked", t).isFalse();
        }
    }

    private long lines(dev.salvo.core.batch.FileId file) {
        try (Stream<FileContentItem> items = storage.streamFileContent(file, 0, null)) {
            return items.count();
        }
    }

    /** Claims all {@code n} requests of model {@code M} for {@code daemon}, in line order. */
    private List<BatchRequest> claimAll(DaemonId daemon, int n) {
        return byLine(storage.claimRequests(ClaimRequest.of(n, daemon, Map.of(M, n))));
    }

    private static List<BatchRequest> byLine(List<BatchRequest> requests) {
        List<BatchRequest> sorted = new ArrayList<>(requests);
        sorted.sort(Comparator.comparingLong(r -> r.data().lineNumber()));
        return sorted;
    }
}
