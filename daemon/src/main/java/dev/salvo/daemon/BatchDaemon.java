package dev.salvo.daemon;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStorage;
import dev.salvo.daemon.config.DaemonConfig;
import dev.salvo.daemon.config.RacingRule;
import dev.salvo.daemon.execution.AbortReason;
import dev.salvo.daemon.execution.Execution;
import dev.salvo.daemon.execution.InFlight;
import dev.salvo.daemon.execution.RequestRunner;
import dev.salvo.daemon.metrics.DaemonMetrics;
import dev.salvo.daemon.upstream.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch worker: registers itself, claims requests as capacity frees up, executes each on a
 * virtual thread, and keeps the shared state healthy (heartbeats, cancellation, finalization and
 * stale-claim recovery). Daemons coordinate only through storage, so any number can share one store.
 *
 * <p>There is no fixed claim tick: a finished request wakes the claim loop at once, and the loop only
 * waits ({@code idleClaimInterval}) when a claim found nothing to do.
 */
public final class BatchDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDaemon.class);
    private static final Duration MAX_CLAIM_BACKOFF = Duration.ofSeconds(30);
    private static final int RECLAIM_LIMIT = 1000;
    private static final int FINALIZE_LIMIT = 100;
    private static final Set<RequestStateKind> RACING_STATES =
            Set.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED, RequestStateKind.PROCESSING);

    private final BatchStorage storage;
    private final DaemonStorage daemons;
    private final DaemonConfig config;
    private final Clock clock;
    private final DaemonData identity;
    private final InFlight inFlight = new InFlight();
    private final RequestRunner runner;
    private final Semaphore wakeUp = new Semaphore(0);
    private final ScheduledExecutorService maintenance;
    private volatile boolean stopping;
    private volatile boolean claimLoopHealthy = true;
    private volatile DaemonState.Running registration;
    private Thread claimLoop;

    private final DaemonMetrics metrics;

    public BatchDaemon(BatchStorage storage, DaemonStorage daemons, UpstreamClient upstream, DaemonConfig config, Clock clock,
                       DaemonData identity) {
        this(storage, daemons, upstream, config, clock, identity, DaemonMetrics.NONE);
    }

    public BatchDaemon(BatchStorage storage, DaemonStorage daemons, UpstreamClient upstream, DaemonConfig config, Clock clock,
                       DaemonData identity, DaemonMetrics metrics) {
        this.metrics = metrics;
        this.storage = storage;
        this.daemons = daemons;
        this.config = config;
        this.clock = clock;
        this.identity = identity;
        this.runner = new RequestRunner(storage, upstream, config, clock, inFlight, () -> stopping, metrics);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("salvo-daemon-maintenance").daemon().factory());
    }

    public DaemonId id() {
        return identity.id();
    }

    /** Registers as running and starts claiming. */
    public BatchDaemon start() {
        registration = new DaemonState.Initializing(clock.instant()).start(clock.instant());
        daemons.persistDaemon(new DaemonRecord(identity, registration));
        metrics.registerInFlight(config.models().keySet(), inFlight::model);
        schedule(this::heartbeat, config.heartbeatInterval());
        schedule(this::pollCancellations, config.cancellationPollInterval());
        schedule(this::sweep, config.finalizeInterval());
        if (!config.racing().isEmpty()) {
            schedule(this::escalateAtRiskRequests, config.slaCheckInterval());
        }
        if (!config.purgeInterval().isZero()) {
            schedule(this::purge, config.purgeInterval());
        }
        claimLoop = Thread.ofPlatform().name("salvo-claim-loop").start(this::claimLoop);
        LOG.info("Daemon {} started for models {}", id(), config.models().keySet());
        return this;
    }

    private void schedule(Runnable task, Duration every) {
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Daemon maintenance task failed: {}", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Liveness: false while claims keep failing (the loop keeps retrying with backoff). */
    public boolean claimLoopHealthy() {
        return claimLoopHealthy;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    public DaemonStats stats() {
        return new DaemonStats(runner.processed(), runner.failed(), inFlight.size());
    }

    private void claimLoop() {
        Duration backoff = Duration.ofMillis(100);
        while (!stopping) {
            Map<String, Integer> capacity = freeCapacity();
            if (capacity.isEmpty()) {
                await(config.idleClaimInterval());
                continue;
            }
            int room = capacity.values().stream().mapToInt(Integer::intValue).sum();
            List<BatchRequest> claimed;
            try {
                long started = System.nanoTime();
                claimed = storage.claimRequests(new ClaimRequest(Math.min(config.claimBatchSize(), room), id(), capacity,
                        inFlight.users(), config.urgencyWeight()));
                metrics.claimed(claimed.size(), Duration.ofNanos(System.nanoTime() - started));
                claimLoopHealthy = true;
                backoff = Duration.ofMillis(100);
            } catch (RuntimeException e) {
                claimLoopHealthy = false;
                metrics.claimFailed();
                LOG.warn("Claim failed, retrying in {}: {}", backoff, e.toString());
                await(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_CLAIM_BACKOFF) > 0 ? MAX_CLAIM_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            for (BatchRequest request : claimed) {
                runner.launch(request, wakeUp::release);
            }
            if (claimed.isEmpty()) {
                await(config.idleClaimInterval());
            }
        }
    }

    private Map<String, Integer> freeCapacity() {
        Map<String, Integer> capacity = new LinkedHashMap<>();
        config.models().forEach((name, route) -> {
            // Slots are calls (see InFlight); results still being stored may add up to one more limit.
            int free = Math.min(route.concurrencyLimit() - inFlight.model(name), 2 * route.concurrencyLimit() - inFlight.held(name));
            if (free > 0) {
                capacity.put(name, free);
            }
        });
        return capacity;
    }

    private void await(Duration timeout) {
        try {
            if (wakeUp.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                wakeUp.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void heartbeat() {
        try {
            beat();
        } catch (RuntimeException e) {
            metrics.heartbeatFailed();
            throw e;
        }
    }

    private void beat() {
        DaemonRecord stored = daemons.getDaemon(id());
        if (stored.state() instanceof DaemonState.Dead) {
            // Others declared us dead and may have reclaimed our requests: drop them and start over.
            LOG.warn("Daemon {} was marked dead by another process; aborting its calls and re-registering", id());
            inFlight.all().forEach(e -> e.abort(AbortReason.CLAIM_LOST));
        }
        registration = registration.heartbeat(stats(), clock.instant());
        daemons.persistDaemon(new DaemonRecord(identity, registration));
    }

    private void pollCancellations() {
        Set<BatchId> mine = inFlight.batches();
        if (mine.isEmpty()) {
            return;
        }
        Set<BatchId> cancelled = storage.getCancelledBatchIds(mine);
        for (Execution execution : inFlight.ofBatches(cancelled)) {
            execution.abort(AbortReason.CANCELLED);
        }
    }

    private void sweep() {
        long reclaimed = storage.reclaimStaleRequests(config.staleDaemonThreshold(), RECLAIM_LIMIT);
        if (reclaimed > 0) {
            metrics.staleReclaimed(reclaimed);
            LOG.info("Returned {} requests of stale daemons to pending", reclaimed);
            wakeUp.release();
        }
        storage.finalizeBatches(FINALIZE_LIMIT);
        announceFinishedBatches();
    }

    /**
     * Each batch that became completed, failed or expired is handed to exactly one daemon of all that
     * share the store ({@code pollCompletedBatches}); that daemon logs it and counts it. This is where a
     * notification (a webhook, an e-mail) would go.
     */
    private void announceFinishedBatches() {
        for (BatchNotification finished : storage.pollCompletedBatches(FINALIZE_LIMIT)) {
            Batch batch = finished.batch();
            String status = batch.status().wire();
            metrics.batchFinished(status);
            LOG.info("Batch {} {}: {} of {} requests completed, {} failed (models {}, input '{}')", batch.id(), status,
                    batch.counts().completed(), batch.counts().total(), batch.counts().failed(), finished.models(),
                    finished.inputFileName());
        }
    }

    private void escalateAtRiskRequests() {
        for (RacingRule rule : config.racing()) {
            long created = storage.createEscalatedRequests(rule.model(), rule.threshold(), RACING_STATES,
                    rule.escalationModel(), rule.apiKey());
            if (created > 0) {
                metrics.escalated(rule.escalationModel(), created);
                LOG.info("Escalated {} near-deadline requests of {} to {}", created, rule.model(), rule.escalationModel());
                wakeUp.release();
            }
        }
    }

    /**
     * Drains orphaned rows in throttled chunks, so a big delete never holds the store for long, then
     * forgets daemons dead for longer than the retention (their records would otherwise pile up, one
     * per process start, forever).
     */
    private void purge() {
        long total = 0;
        long deleted;
        do {
            deleted = storage.purgeOrphanedRows(config.purgeBatchSize());
            total += deleted;
            if (deleted > 0) {
                try {
                    Thread.sleep(config.purgeThrottle());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } while (deleted > 0 && !stopping);
        if (total > 0) {
            metrics.purged(total);
            LOG.info("Purged {} rows of deleted files and batches", total);
        }
        long records = daemons.purgeDeadDaemons(config.deadDaemonRetention());
        if (records > 0) {
            LOG.info("Purged {} records of daemons dead for longer than {}", records, config.deadDaemonRetention());
        }
    }

    /**
     * Graceful stop: no more claims; claimed-but-unstarted requests go back to pending at once; running
     * calls get the grace period, then are aborted and returned to pending; the record becomes dead.
     */
    @Override
    public void close() {
        if (stopping && claimLoop == null) {
            return;
        }
        stopping = true;
        wakeUp.release();
        try {
            if (claimLoop != null) {
                claimLoop.join();
            }
            long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
            while (inFlight.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            inFlight.all().forEach(e -> e.abort(AbortReason.SHUTDOWN));
            long abortDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (inFlight.size() > 0 && System.nanoTime() < abortDeadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            maintenance.shutdownNow();
            if (registration != null) {
                daemons.persistDaemon(new DaemonRecord(identity, registration.heartbeat(stats(), clock.instant()).shutdown(clock.instant())));
            }
            claimLoop = null;
            LOG.info("Daemon {} stopped ({} processed, {} failed)", id(), runner.processed(), runner.failed());
        }
    }
}
