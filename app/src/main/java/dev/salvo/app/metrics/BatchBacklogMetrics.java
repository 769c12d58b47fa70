package dev.salvo.app.metrics;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.PendingCountWindow;
import dev.salvo.core.batch.RequestStateKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is waiting, from the store's point of view (so the same on every replica): batches at risk of
 * missing their deadline, batches that missed it and still run, and pending requests per model by how
 * soon their deadline comes. Read from the store at most every {@link #MAX_AGE} (a scrape, not every
 * gauge read, triggers it), so a scraper cannot turn into load.
 */
public final class BatchBacklogMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(BatchBacklogMetrics.class);
    static final Duration MAX_AGE = Duration.ofSeconds(10);
    /** "At risk": the deadline is within this much time. */
    static final Duration AT_RISK = Duration.ofHours(1);
    static final List<PendingCountWindow> WINDOWS = List.of(
            new PendingCountWindow("1h", Duration.ofHours(1)),
            new PendingCountWindow("24h", Duration.ofHours(24)),
            new PendingCountWindow("7d", Duration.ofDays(7)));
    private static final Set<RequestStateKind> UNFINISHED = EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED,
            RequestStateKind.PROCESSING);

    private final BatchStorage storage;
    private final Clock clock;
    private final AtomicLong atRisk = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();
    private final MultiGauge pending;
    private Instant readAt = Instant.MIN;

    public BatchBacklogMetrics(BatchStorage storage, MeterRegistry registry, Clock clock) {
        this.storage = storage;
        this.clock = clock;
        registry.gauge("salvo.batches.at_risk", atRisk);
        registry.gauge("salvo.batches.missed_deadline", missed);
        this.pending = MultiGauge.builder("salvo.requests.pending")
                .description("Pending requests of running batches per model whose deadline is within the window")
                .register(registry);
    }

    /** Reads the store again if the last reading is older than {@link #MAX_AGE}; a failed read keeps the last values. */
    public synchronized void refresh() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).compareTo(MAX_AGE) < 0) {
            return;
        }
        readAt = now;
        try {
            atRisk.set(storage.getAtRiskBatches(AT_RISK, UNFINISHED).size());
            missed.set(storage.getMissedSlaBatches(UNFINISHED).size());
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            Map<String, Map<String, Long>> counts = storage.pendingRequestCounts(WINDOWS, EnumSet.of(RequestStateKind.PENDING),
                    Set.of(), false);
            counts.forEach((model, byWindow) -> byWindow.forEach((window, n) ->
                    rows.add(MultiGauge.Row.of(Tags.of("model", model, "within", window), n))));
            pending.register(rows, true);
        } catch (RuntimeException e) {
            LOG.debug("Backlog metrics not refreshed: {}", e.toString());
        }
    }
}
