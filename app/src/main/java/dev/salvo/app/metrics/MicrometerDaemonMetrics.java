package dev.salvo.app.metrics;

import dev.salvo.daemon.metrics.DaemonMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.ToIntFunction;

/** The daemon's metrics as Micrometer meters, prefixed {@code salvo_}. Labels never carry user data. */
public final class MicrometerDaemonMetrics implements DaemonMetrics {

    private final MeterRegistry registry;
    private final Timer claimDuration;
    private final DistributionSummary claimSize;
    private final Counter claimFailures;
    private final Counter staleReclaimed;
    private final Counter purged;
    private final Counter heartbeatFailures;

    public MicrometerDaemonMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.claimDuration = Timer.builder("salvo.daemon.claim.duration").description("Time of one claim statement").register(registry);
        this.claimSize = DistributionSummary.builder("salvo.daemon.claim.size").description("Requests claimed per claim").register(registry);
        this.claimFailures = Counter.builder("salvo.daemon.claim.failures").register(registry);
        this.staleReclaimed = Counter.builder("salvo.daemon.stale.reclaimed").description("Requests of dead or silent daemons returned to pending").register(registry);
        this.purged = Counter.builder("salvo.daemon.purged.rows").register(registry);
        this.heartbeatFailures = Counter.builder("salvo.daemon.heartbeat.failures").register(registry);
    }

    @Override
    public void registerInFlight(Iterable<String> models, ToIntFunction<String> inFlight) {
        for (String model : models) {
            Gauge.builder("salvo.daemon.requests.in_flight", () -> inFlight.applyAsInt(model)).tag("model", model).register(registry);
        }
    }

    @Override
    public void batchFinished(String status) {
        Counter.builder("salvo.batches.finished").description("Batches that became completed, failed or expired")
                .tag("status", status).register(registry).increment();
    }

    @Override
    public void completed(String model, Duration upstreamLatency) {
        Counter.builder("salvo.daemon.requests.completed").tag("model", model).register(registry).increment();
        Timer.builder("salvo.daemon.upstream.latency").tag("model", model).register(registry).record(upstreamLatency);
    }

    @Override
    public void failed(String model, String reasonCode) {
        Counter.builder("salvo.daemon.requests.failed").tag("model", model).tag("reason", reasonCode).register(registry).increment();
    }

    @Override
    public void retried(String model, String reasonCode) {
        Counter.builder("salvo.daemon.requests.retried").tag("model", model).tag("reason", reasonCode).register(registry).increment();
    }

    @Override
    public void claimed(int count, Duration took) {
        claimDuration.record(took);
        claimSize.record(count);
    }

    @Override
    public void claimFailed() {
        claimFailures.increment();
    }

    @Override
    public void staleReclaimed(long count) {
        staleReclaimed.increment(count);
    }

    @Override
    public void escalated(String model, long count) {
        Counter.builder("salvo.daemon.requests.escalated").tag("model", model).register(registry).increment(count);
    }

    @Override
    public void purged(long rows) {
        purged.increment(rows);
    }

    @Override
    public void heartbeatFailed() {
        heartbeatFailures.increment();
    }
}
