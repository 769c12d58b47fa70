package dev.salvo.daemon.execution;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.RequestQueue;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RetryPolicy;
import dev.salvo.daemon.config.DaemonConfig;
import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.metrics.DaemonMetrics;
import dev.salvo.daemon.upstream.UpstreamClient;
import dev.salvo.daemon.upstream.UpstreamException;
import dev.salvo.daemon.upstream.UpstreamRequest;
import dev.salvo.daemon.upstream.UpstreamResponse;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one claimed request: writes processing, calls the upstream, and records the outcome —
 * completed, a fenced retry, or a final failure. Runs on its own virtual thread.
 */
public final class RequestRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RequestRunner.class);

    private final RequestQueue storage;
    private final UpstreamClient upstream;
    private final DaemonConfig config;
    private final Clock clock;
    private final OutcomeClassifier classifier;
    private final InFlight inFlight;
    private final BooleanSupplier stopping;
    private final DaemonMetrics metrics;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public RequestRunner(RequestQueue storage, UpstreamClient upstream, DaemonConfig config, Clock clock, InFlight inFlight,
                         BooleanSupplier stopping, DaemonMetrics metrics) {
        this.metrics = metrics;
        this.storage = storage;
        this.upstream = upstream;
        this.config = config;
        this.clock = clock;
        this.inFlight = inFlight;
        this.stopping = stopping;
        this.classifier = new OutcomeClassifier(config.extraRetryableStatuses());
    }

    public long processed() {
        return processed.get();
    }

    public long failed() {
        return failed.get();
    }

    /**
     * Registers the execution and starts it on a virtual thread. {@code done} runs when its model slot
     * frees up: once when the upstream call ends and again when the execution ends, however it ends.
     */
    public Execution launch(BatchRequest claimed, Runnable done) {
        Execution execution = new Execution(claimed, route(claimed.data()));
        inFlight.add(execution);
        Thread thread = Thread.ofVirtual().name("salvo-request-", 0).unstarted(() -> {
            try {
                run(execution, done);
            } catch (RuntimeException e) {
                // A storage failure: the request stays claimed/processing and the stale-claim sweep returns it.
                LOG.warn("Request {} could not be recorded: {}", execution.claimed().id(), e.toString());
            } finally {
                inFlight.remove(execution);
                done.run();
            }
        });
        execution.runOn(thread);
        thread.start();
        return execution;
    }

    private void run(Execution execution, Runnable slotFreed) {
        BatchRequest claimed = execution.claimed();
        RequestState.Claimed claim = (RequestState.Claimed) claimed.state();
        Optional<ClaimToken> holder = Optional.of(ClaimToken.held(claim));
        if (stopping.getAsBoolean() || execution.abortReason() != null) {
            if (execution.abortReason() != AbortReason.CLAIM_LOST) {
                storage.persist(claimed.withState(claim.release()), holder);
            }
            return;
        }
        RequestState.Processing processing = claim.start(clock.instant());
        PersistResult started = storage.persist(claimed.withState(processing), holder);
        if (!started.applied()) {
            lostClaim(claimed.id(), started);
            return; // cancelled or taken over in the meantime
        }
        execution.markStarted();
        BatchRequest running = claimed.withState(processing);
        if (!clock.instant().isBefore(running.data().batchExpiresAt())) {
            // Claimed in time but started too late: no call may start after the deadline.
            storage.persist(running.withState(processing.fail(new FailureReason.BatchExpired(), null, clock.instant())), holder);
            return;
        }
        Dispatch dispatch = dispatch(claimed.data(), execution.model());
        long sent = System.nanoTime();
        UpstreamResponse response;
        try {
            response = call(execution, dispatch, slotFreed);
        } catch (UpstreamException e) {
            fail(running, processing, classifier.classify(e), dispatch.model());
            return;
        } catch (InterruptedException e) {
            aborted(execution, running, processing);
            return;
        }
        long latency = System.nanoTime() - sent;
        Optional<FailureReason> failure = classifier.classify(response);
        if (failure.isEmpty()) {
            complete(running, processing, response, dispatch.model());
            metrics.completed(dispatch.model(), java.time.Duration.ofNanos(latency));
        } else {
            fail(running, processing, failure.get(), dispatch.model());
        }
    }

    /** The upstream call; however it ends, the model's slot is free before the result is stored. */
    private UpstreamResponse call(Execution execution, Dispatch dispatch, Runnable slotFreed)
            throws UpstreamException, InterruptedException {
        try {
            return upstream.send(dispatch.request());
        } finally {
            inFlight.endCall(execution);
            slotFreed.run();
        }
    }

    private void complete(BatchRequest running, RequestState.Processing processing, UpstreamResponse response, String routedModel) {
        PersistResult result = storage.persist(running.withState(
                processing.complete(response.status(), response.body(), routedModel, clock.instant())), holder(processing));
        if (result instanceof PersistResult.Applied applied) {
            processed.incrementAndGet();
            applied.supersededTwin().ifPresent(this::abortTwin);
        } else {
            lostClaim(running.id(), result);
        }
    }

    private void abortTwin(RequestId twin) {
        Execution execution = inFlight.get(twin);
        if (execution != null) {
            execution.abort(AbortReason.SUPERSEDED);
        }
    }

    private void fail(BatchRequest running, RequestState.Processing processing, FailureReason reason, String routedModel) {
        RetryPolicy.Decision decision = config.retry().decide(reason, processing.retryAttempt(),
                running.data().batchExpiresAt(), clock.instant());
        if (decision instanceof RetryPolicy.Decision.Retry retry) {
            metrics.retried(routedModel, reason.code());
            if (!storage.rescheduleForRetry(running.id(), ClaimToken.held(processing), retry.next())) {
                LOG.debug("Retry of {} not scheduled: another daemon or a cancel took it over", running.id());
            }
            return;
        }
        if (decision instanceof RetryPolicy.Decision.GiveUp giveUp && giveUp.becauseOfDeadline()) {
            // Out of time, not out of luck: park it unclaimable until the deadline, when the finalizer
            // expires the batch and the request ends as batch_expired (OpenAI's semantics).
            RequestState.Pending parked = new RequestState.Pending(processing.retryAttempt() + 1, running.data().batchExpiresAt());
            storage.rescheduleForRetry(running.id(), ClaimToken.held(processing), parked);
            return;
        }
        PersistResult result = storage.persist(running.withState(processing.fail(reason, routedModel, clock.instant())),
                holder(processing));
        if (result.applied()) {
            failed.incrementAndGet();
            metrics.failed(routedModel, reason.code());
        } else {
            lostClaim(running.id(), result);
        }
    }

    private void aborted(Execution execution, BatchRequest running, RequestState.Processing processing) {
        AbortReason reason = execution.abortReason();
        if (reason == AbortReason.CANCELLED) {
            storage.persist(running.withState(processing.cancel(clock.instant())), holder(processing));
        } else if (reason == AbortReason.SHUTDOWN || reason == null) {
            // Fenced: if the claim was lost meanwhile, the release changes nothing.
            storage.persist(running.withState(processing.release()), holder(processing));
        }
        // SUPERSEDED: the store already recorded the twin's result; CLAIM_LOST: the request is no longer
        // this daemon's. Nothing to write for either.
    }

    private static Optional<ClaimToken> holder(RequestState.Processing processing) {
        return Optional.of(ClaimToken.held(processing));
    }

    /** A fenced write: another daemon (or the stale-claim sweep) took the request over; its result is theirs. */
    private static void lostClaim(RequestId id, PersistResult result) {
        if (result instanceof PersistResult.Fenced fenced) {
            LOG.info("Request {} was taken over while this daemon worked on it (now {}); its result is not recorded",
                    id, fenced.current().wire());
        }
    }

    /** The call of a request: the model it goes to and the upstream request. */
    record Dispatch(String model, UpstreamRequest request) {
    }

    /**
     * Claim-time routing: a request whose deadline is near goes to its model's escalation model — if that
     * model has a free slot, since the call takes the escalation model's slot and its concurrency limit
     * holds like any other; otherwise it stays on its own model, whose slot its claim already took.
     */
    String route(RequestData data) {
        ModelRoute route = config.models().get(data.model());
        String escalation = route.escalationModel();
        if (escalation == null || !config.models().containsKey(escalation)
                || java.time.Duration.between(clock.instant(), data.batchExpiresAt()).compareTo(route.escalationThreshold()) >= 0) {
            return data.model();
        }
        return inFlight.model(escalation) < config.models().get(escalation).concurrencyLimit() ? escalation : data.model();
    }

    Dispatch dispatch(RequestData data, String model) {
        ModelRoute route = config.models().get(model);
        Long priority = config.injectDeadlinePriority() ? priorityHint(data.batchExpiresAt()) : null;
        boolean streaming = config.streamableEndpoints().contains(data.path());
        String body = BodyRewriter.prepare(data.body(), model, priority, streaming);
        String base = route.baseUrl().toString();
        URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + data.path());
        Map<String, String> headers = new LinkedHashMap<>();
        String key = data.apiKey() != null && !data.apiKey().isEmpty() ? data.apiKey() : route.apiKey();
        if (!key.isEmpty()) {
            headers.put("Authorization", "Bearer " + key);
        }
        headers.put("Content-Type", "application/json");
        headers.put("X-Salvo-Request-Id", data.id().toString());
        headers.put("X-Salvo-Batch-Id", data.batchId().toString());
        if (data.customId() != null && isHeaderSafe(data.customId())) {
            headers.put("X-Salvo-Custom-Id", data.customId());
        }
        for (String field : config.metadataHeaders()) {
            String value = data.batchMetadata().get(field);
            if (value != null && isHeaderSafe(value)) {
                headers.put("X-Salvo-Batch-" + field.replace('_', '-').toLowerCase(Locale.ROOT), value);
            }
        }
        if (streaming) {
            headers.put("Accept", "text/event-stream");
        }
        return new Dispatch(model, new UpstreamRequest(uri, data.method(), headers, body, streaming));
    }

    /** Earlier deadlines get higher priority: minus the deadline in Unix seconds, clamped to an int. */
    static long priorityHint(java.time.Instant deadline) {
        return Math.max(Integer.MIN_VALUE, -deadline.getEpochSecond());
    }

    private static boolean isHeaderSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
