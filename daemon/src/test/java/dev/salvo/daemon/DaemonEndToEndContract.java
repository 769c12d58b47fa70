package dev.salvo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.RetryPolicy;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.daemon.config.DaemonConfig;
import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.config.RacingRule;
import dev.salvo.daemon.testing.TestUpstream.Reply;
import dev.salvo.daemon.testing.TestUpstream;
import dev.salvo.daemon.upstream.JdkUpstreamClient;
import dev.salvo.daemon.upstream.UpstreamTimeouts;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.daemon.DaemonStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon against a real local HTTP upstream, run once per storage adapter (subclasses): what a batch
 * goes through, end to end.
 */
abstract class DaemonEndToEndContract {

    /** Both ports of a fresh, empty store over the system clock; closed after the test. */
    protected abstract BatchAndDaemonStorage openStorage() throws Exception;

    /** What a subclass hands over: one object implementing both ports, and how to release it. */
    protected record BatchAndDaemonStorage(BatchStorage batches, DaemonStorage daemons, AutoCloseable resource) {
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    protected final Clock clock = Clock.systemUTC();
    private TestUpstream upstream;
    private BatchStorage storage;
    private DaemonStorage daemonStorage;
    private AutoCloseable resource;
    private final List<BatchDaemon> daemons = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start();
        BatchAndDaemonStorage opened = openStorage();
        storage = opened.batches();
        daemonStorage = opened.daemons();
        resource = opened.resource();
    }

    @AfterEach
    void stop() throws Exception {
        daemons.forEach(BatchDaemon::close);
        upstream.close();
        resource.close();
    }

    private DaemonConfig config(int concurrency) {
        return DaemonConfig.defaults(List.of(ModelRoute.of("model-a", upstream.baseUrl(), concurrency)))
                .withRetry(new RetryPolicy(10, Duration.ZERO, Duration.ofMillis(20), 2, Duration.ofMillis(200)))
                .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(100),
                        Duration.ofMillis(50))
                .withShutdownGrace(Duration.ofMillis(200));
    }

    private BatchDaemon daemon(DaemonConfig config) {
        BatchDaemon daemon = new BatchDaemon(storage, daemonStorage, new JdkUpstreamClient(new UpstreamTimeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10))), config, clock,
                new DaemonData(DaemonId.generate(), "test-host", ProcessHandle.current().pid(), "test", "{}")).start();
        daemons.add(daemon);
        return daemon;
    }

    /** Waits (at most {@code WAIT}) until the upstream serves {@code calls} calls at once. @return the deadline it used */
    private long awaitActiveCalls(int calls) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (upstream.active() < calls && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return deadline;
    }

    private Batch submit(int requests, String window) {
        List<RequestTemplateInput> templates = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            templates.add(new RequestTemplateInput("req-" + i, "unused", "POST", "/v1/chat/completions",
                    "{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"n" + i + "\"}]}", "model-a", "sk-up-" + i % 3));
        }
        FileId file = storage.createFile("input.jsonl", null, templates);
        return storage.createBatch(BatchInput.of(file, "/v1/chat/completions", window).withMetadata(Map.of("project", "alpha")));
    }

    private Batch awaitBatch(Batch batch, Predicate<Batch> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Batch current = storage.getBatch(batch.id());
        while (!done.test(current) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            current = storage.getBatch(batch.id());
        }
        assertThat(done.test(current)).as("batch reached the expected state: %s", current).isTrue();
        return current;
    }

    private List<FileContentItem> content(FileId file) {
        try (Stream<FileContentItem> items = storage.streamFileContent(file, 0, null)) {
            return items.toList();
        }
    }

    private Set<String> customIds(List<FileContentItem> items) {
        Set<String> ids = new HashSet<>();
        for (FileContentItem item : items) {
            String id = switch (item) {
                case FileContentItem.OutputLine o -> o.customId();
                case FileContentItem.ErrorLine e -> e.customId();
                case FileContentItem.TemplateLine t -> t.template().customId();
            };
            assertThat(ids.add(id)).as("custom id %s appears once", id).isTrue();
        }
        return ids;
    }

    @Test
    void aModelNeverSeesMoreCallsAtOnceThanItsConcurrencyAndEverySlotIsUsed() throws Exception {
        upstream.script(call -> TestUpstream.echo(call, Duration.ofMillis(20)));
        Batch batch = submit(200, "24h");
        daemon(config(5));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(200);
        assertThat(upstream.peakConcurrentCalls()).isEqualTo(5);
    }

    @Test
    void aThousandRequestsCompleteEachExactlyOnceWithHeadersAndBodiesAsSent() throws Exception {
        Batch batch = submit(1000, "24h");
        daemon(config(50));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(1000);
        assertThat(done.counts().failed()).isZero();
        List<FileContentItem> output = content(done.outputFileId());
        assertThat(customIds(output)).hasSize(1000);
        assertThat(content(done.errorFileId())).isEmpty();
        assertThat(upstream.calls()).hasSize(1000);
        for (TestUpstream.Call call : upstream.calls()) {
            int n = Integer.parseInt(call.customId().substring(4));
            assertThat(call.path()).isEqualTo("/v1/chat/completions");
            assertThat(call.method()).isEqualTo("POST");
            assertThat(call.headers()).containsEntry("authorization", "Bearer sk-up-" + n % 3)
                    .containsEntry("content-type", "application/json").containsKey("x-salvo-request-id");
            assertThat(call.body()).isEqualTo("{\"model\":\"model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"n" + n + "\"}]}");
            assertThat(upstream.callsFor(call.customId())).isEqualTo(1);
        }
        FileContentItem.OutputLine first = (FileContentItem.OutputLine) output.getFirst();
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("echo " + first.customId());
    }

    @Test
    void transientFailuresAreRetriedUntilEveryRequestCompletes() throws Exception {
        // 30% of requests fail their first attempt with a retriable status (429, 500 or 503 in turn).
        int[] statuses = {429, 500, 503};
        upstream.script(call -> {
            int n = Integer.parseInt(call.customId().substring(4));
            return n % 10 < 3 && call.attempt() == 1
                    ? new Reply.Respond(statuses[n % 3], "{\"error\":{\"message\":\"try again\"}}", Duration.ZERO)
                    : TestUpstream.echo(call, Duration.ZERO);
        });
        Batch batch = submit(500, "24h");
        daemon(config(40));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(500);
        assertThat(done.counts().failed()).isZero();
        assertThat(customIds(content(done.outputFileId()))).hasSize(500);
        assertThat(upstream.calls()).hasSize(650);
    }

    @Test
    void nonRetriableClientErrorsFailAtOnce() throws Exception {
        upstream.script(call -> call.customId().endsWith("7")
                ? new Reply.Respond(400, "{\"error\":{\"message\":\"bad request\"}}", Duration.ZERO)
                : TestUpstream.echo(call, Duration.ZERO));
        Batch batch = submit(100, "24h");
        daemon(config(20));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().failed()).isEqualTo(10);
        assertThat(done.counts().completed()).isEqualTo(90);
        List<FileContentItem> errors = content(done.errorFileId());
        assertThat(customIds(errors)).allMatch(id -> id.endsWith("7")).hasSize(10);
        assertThat(((FileContentItem.ErrorLine) errors.getFirst()).reason())
                .isInstanceOf(FailureReason.NonRetriableHttpStatus.class);
        assertThat(upstream.calls()).hasSize(100);
    }

    @Test
    void aDeadlineTooShortExpiresTheBatchAndStopsRetrying() throws Exception {
        upstream.script(call -> new Reply.Respond(503, "{\"error\":{\"message\":\"overloaded\"}}", Duration.ZERO));
        Batch batch = submit(20, "2s");
        long deadlineNanos = System.nanoTime() + Duration.between(clock.instant(), batch.expiresAt()).toNanos();
        daemon(config(20).withRetry(new RetryPolicy(null, Duration.ZERO, Duration.ofMillis(20), 2, Duration.ofMillis(200))));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.EXPIRED);

        assertThat(done.counts().failed()).isEqualTo(20);
        List<FileContentItem> errors = content(done.errorFileId());
        assertThat(customIds(errors)).hasSize(20);
        assertThat(errors).allSatisfy(e -> assertThat(((FileContentItem.ErrorLine) e).reason())
                .isInstanceOf(FailureReason.BatchExpired.class));
        Thread.sleep(500);
        // A call that passed the deadline check just before the deadline may still be on the wire; nothing later.
        long lastCall = upstream.calls().stream().mapToLong(TestUpstream.Call::receivedAtNanos).max().orElseThrow();
        assertThat(Duration.ofNanos(lastCall - deadlineNanos)).isLessThan(Duration.ofMillis(250));
    }

    @Test
    void cancellingMidBatchAbortsInFlightCallsAndClaimsNothingMore() throws Exception {
        upstream.script(call -> TestUpstream.echo(call, Duration.ofSeconds(30)));
        Batch batch = submit(100, "24h");
        BatchDaemon daemon = daemon(config(10));
        awaitActiveCalls(10);
        assertThat(upstream.active()).isEqualTo(10);

        storage.cancelBatch(batch.id());

        Batch cancelled = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.CANCELLED);
        // The last cancel is visible as soon as it is applied; its caller may still be waiting for durability.
        long settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (daemon.inFlightCount() > 0 && System.nanoTime() < settle) {
            Thread.sleep(10);
        }
        assertThat(daemon.inFlightCount()).isZero();
        assertThat(cancelled.counts().canceled()).isEqualTo(100);
        Thread.sleep(300);
        assertThat(upstream.calls()).hasSize(10);
        assertThat(content(cancelled.outputFileId())).isEmpty();
    }

    @Test
    void aDaemonDeclaredDeadWritesNothingOverTheRequestsAnotherDaemonNowHolds() throws Exception {
        upstream.script(call -> TestUpstream.echo(call, Duration.ofMillis(800)));
        Batch batch = submit(5, "24h");
        BatchDaemon zombie = daemon(config(5));
        long deadline = awaitActiveCalls(5);
        assertThat(upstream.active()).isEqualTo(5);
        // Another process decides the zombie is dead, returns its requests and claims them for an heir.
        DaemonRecord record = daemonStorage.getDaemon(zombie.id());
        daemonStorage.persistDaemon(new DaemonRecord(record.data(),
                ((DaemonState.Running) record.state()).shutdown(clock.instant())));
        assertThat(storage.reclaimStaleRequests(Duration.ofSeconds(30), 100)).isEqualTo(5);
        DaemonId heir = DaemonId.generate();
        daemonStorage.persistDaemon(new DaemonRecord(new DaemonData(heir, "heir", 1, "test", "{}"),
                new DaemonState.Initializing(clock.instant()).start(clock.instant())));
        List<BatchRequest> held = storage.claimRequests(ClaimRequest.of(5, heir, Map.of("model-a", 5)));
        assertThat(held).hasSize(5);

        while (zombie.inFlightCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(zombie.inFlightCount()).isZero();
        for (BatchRequest mine : held) {
            assertThat(storage.foundRequests(List.of(mine.id())).getFirst().state()).as("still the heir's claim")
                    .isEqualTo(mine.state());
        }
        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts().inProgress()).isEqualTo(5);
        assertThat(after.counts().completed()).isZero();
        assertThat(content(after.outputFileId())).isEmpty();
    }

    @Test
    void shutdownReturnsUnfinishedRequestsToPendingAndWritesDead() throws Exception {
        upstream.script(call -> TestUpstream.echo(call, Duration.ofSeconds(30)));
        Batch batch = submit(30, "24h");
        BatchDaemon daemon = daemon(config(5));
        awaitActiveCalls(5);

        daemon.close();

        Batch after = storage.getBatch(batch.id());
        assertThat(after.counts().pending()).isEqualTo(30);
        assertThat(after.counts().inProgress()).isZero();
        assertThat(daemonStorage.getDaemon(daemon.id()).state()).isInstanceOf(DaemonState.Dead.class);

        upstream.script(call -> TestUpstream.echo(call, Duration.ZERO));
        daemon(config(5));
        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);
        assertThat(customIds(content(done.outputFileId()))).hasSize(30);
    }

    private DaemonConfig twoModels(ModelRoute a, ModelRoute b) {
        return new DaemonConfig(Map.of(a.name(), a, b.name(), b), 100, 0.0,
                new RetryPolicy(10, Duration.ZERO, Duration.ofMillis(20), 2, Duration.ofMillis(200)),
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(50), Duration.ofMillis(200), Set.of(), List.of(), false, List.of(), Duration.ofMillis(100),
                Duration.ZERO, 1000, Duration.ofMillis(10), Set.of(), Duration.ofDays(7));
    }

    @Test
    void claimTimeRoutingSendsNearDeadlineRequestsToTheEscalationModel() throws Exception {
        Batch batch = submit(50, "30m");
        ModelRoute a = new ModelRoute("model-a", upstream.baseUrl(), "", 10, "model-b", Duration.ofHours(1));
        daemon(twoModels(a, ModelRoute.of("model-b", upstream.baseUrl(), 10)));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(50);
        assertThat(upstream.calls()).hasSize(50).allSatisfy(call -> assertThat(call.body()).contains("\"model\":\"model-b\""));
        try (Stream<dev.salvo.core.batch.BatchRequest> requests = storage.streamBatchRequests(batch.id())) {
            assertThat(requests.map(r -> ((dev.salvo.core.batch.RequestState.Completed) r.state()).routedModel()))
                    .containsOnly("model-b");
        }
    }

    @Test
    void claimTimeRoutingRespectsTheEscalationModelsConcurrencyLimit() throws Exception {
        Map<String, java.util.concurrent.atomic.AtomicInteger> now = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, java.util.concurrent.atomic.AtomicInteger> peak = new java.util.concurrent.ConcurrentHashMap<>();
        upstream.script(call -> {
            String model = call.body().contains("\"model\":\"model-b\"") ? "model-b" : "model-a";
            int calls = now.computeIfAbsent(model, m -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            peak.computeIfAbsent(model, m -> new java.util.concurrent.atomic.AtomicInteger()).accumulateAndGet(calls, Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.get(model).decrementAndGet();
            }
            return TestUpstream.echo(call, Duration.ZERO);
        });
        Batch batch = submit(60, "30m");
        ModelRoute a = new ModelRoute("model-a", upstream.baseUrl(), "", 6, "model-b", Duration.ofHours(1));
        daemon(twoModels(a, ModelRoute.of("model-b", upstream.baseUrl(), 2)));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(60);
        // The escalation model's limit holds even though every request was claimed as model-a; requests
        // that found it full went to their own model instead of waiting.
        assertThat(peak.get("model-b").get()).isEqualTo(2);
        assertThat(peak).containsKey("model-a");
        assertThat(upstream.calls()).hasSize(60);
    }

    @Test
    void racingEscalationYieldsOneResultPerTemplateAndAbortsTheLosingCall() throws Exception {
        upstream.script(call -> call.body().contains("\"model\":\"model-a\"")
                ? TestUpstream.echo(call, Duration.ofSeconds(30))
                : TestUpstream.echo(call, Duration.ofMillis(20)));
        Batch batch = submit(20, "30m");
        DaemonConfig config = twoModels(ModelRoute.of("model-a", upstream.baseUrl(), 20), ModelRoute.of("model-b", upstream.baseUrl(), 20))
                .withRacing(List.of(new RacingRule("model-a", Duration.ofHours(1), "model-b", null)), Duration.ofMillis(100));
        BatchDaemon daemon = daemon(config);

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(20);
        List<FileContentItem> output = content(done.outputFileId());
        assertThat(customIds(output)).hasSize(20);
        assertThat(output).allSatisfy(line -> assertThat(((FileContentItem.OutputLine) line).body()).contains("\"model\":\"model-b\""));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (daemon.inFlightCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // The slow calls were abandoned long before their 30 s answer (the test server keeps sleeping regardless).
        assertThat(daemon.inFlightCount()).as("losing calls aborted").isZero();
        try (Stream<dev.salvo.core.batch.BatchRequest> requests = storage.streamBatchRequests(batch.id())) {
            assertThat(requests.filter(r -> r.data().escalatedFrom() == null).map(r -> r.state().kind()))
                    .containsOnly(dev.salvo.core.batch.RequestStateKind.SUPERSEDED);
        }
    }

    @Test
    void requestsOfADeadDaemonAreRecoveredByAnother() throws Exception {
        Batch batch = submit(40, "24h");
        DaemonId crashed = DaemonId.generate();
        Instant now = clock.instant();
        daemonStorage.persistDaemon(new dev.salvo.core.daemon.DaemonRecord(
                new DaemonData(crashed, "gone", 1, "test", "{}"),
                new DaemonState.Running(now, now.minus(Duration.ofMinutes(5)), dev.salvo.core.daemon.DaemonStats.ZERO)));
        List<dev.salvo.core.batch.BatchRequest> stolen = storage.claimRequests(
                dev.salvo.core.batch.ClaimRequest.of(15, crashed, Map.of("model-a", 15)));
        assertThat(stolen).hasSize(15);

        daemon(config(10));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);
        assertThat(customIds(content(done.outputFileId()))).hasSize(40);
        assertThat(upstream.calls()).hasSize(40);
    }

    private static List<String> chatChunks(String customId) {
        return List.of(
                "{\"id\":\"s-" + customId + "\",\"created\":1,\"model\":\"model-a\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"streamed \"}}]}",
                "{\"id\":\"s-" + customId + "\",\"created\":1,\"model\":\"model-a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + customId + "\"},\"finish_reason\":\"stop\"}]}");
    }

    @Test
    void streamableEndpointsAreExecutedAsSseAndReassembled() throws Exception {
        upstream.script(call -> new Reply.Sse(chatChunks(call.customId()), Duration.ofMillis(5)));
        Batch batch = submit(30, "24h");
        daemon(config(10).withStreamableEndpoints(Set.of("/v1/chat/completions")));

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(30);
        for (FileContentItem item : content(done.outputFileId())) {
            FileContentItem.OutputLine line = (FileContentItem.OutputLine) item;
            assertThat(line.body()).contains("\"object\":\"chat.completion\"").contains("\"content\":\"streamed " + line.customId() + "\"");
        }
        assertThat(upstream.calls()).allSatisfy(call -> {
            assertThat(call.body()).contains("\"stream\":true");
            assertThat(call.headers()).containsEntry("accept", "text/event-stream");
        });
    }

    @Test
    void anErrorInsideA200StreamIsRetriedAndASilentStreamTimesOut() throws Exception {
        upstream.script(call -> switch (call.attempt()) {
            case 1 -> new Reply.Sse(List.of("{\"error\":{\"code\":503,\"message\":\"overloaded\"}}"), Duration.ZERO);
            case 2 -> new Reply.Sse(chatChunks(call.customId()), Duration.ofSeconds(5));
            default -> new Reply.Sse(chatChunks(call.customId()), Duration.ZERO);
        });
        Batch batch = submit(5, "24h");
        BatchDaemon daemon = new BatchDaemon(storage, daemonStorage, new JdkUpstreamClient(new UpstreamTimeouts(
                Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(10))),
                config(5).withStreamableEndpoints(Set.of("/v1/chat/completions")), clock,
                new DaemonData(DaemonId.generate(), "test-host", 1, "test", "{}")).start();
        daemons.add(daemon);

        Batch done = awaitBatch(batch, b -> b.status() == OpenAiBatchStatus.COMPLETED);

        assertThat(done.counts().completed()).isEqualTo(5);
        assertThat(upstream.calls()).hasSize(15);
        assertThat(content(done.outputFileId())).allSatisfy(line ->
                assertThat(((FileContentItem.OutputLine) line).body()).contains("streamed"));
    }
}
