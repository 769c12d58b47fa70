package dev.salvo.daemon.config;

import dev.salvo.core.batch.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything the batch daemon is told. Defaults follow docs/daemon.md.
 *
 * @param idleClaimInterval  how long the claim loop waits when there was nothing to claim; a finished
 *                           request wakes it at once, so this is not a throughput ceiling
 * @param extraRetryableStatuses statuses retried in addition to 408, 429, 404 and 5xx (e.g. 499)
 * @param metadataHeaders    batch metadata keys forwarded as {@code X-Salvo-Batch-<key>} headers
 * @param deadDaemonRetention how long a dead daemon's record is kept (for the console and the
 *                           daemons route) before the purge task removes it
 */
public record DaemonConfig(
        Map<String, ModelRoute> models,
        int claimBatchSize,
        double urgencyWeight,
        RetryPolicy retry,
        Duration heartbeatInterval,
        Duration staleDaemonThreshold,
        Duration cancellationPollInterval,
        Duration finalizeInterval,
        Duration idleClaimInterval,
        Duration shutdownGrace,
        Set<Integer> extraRetryableStatuses,
        List<String> metadataHeaders,
        boolean injectDeadlinePriority,
        List<RacingRule> racing,
        Duration slaCheckInterval,
        Duration purgeInterval,
        int purgeBatchSize,
        Duration purgeThrottle,
        Set<String> streamableEndpoints,
        Duration deadDaemonRetention) {

    public DaemonConfig {
        models = Map.copyOf(models);
        Objects.requireNonNull(retry, "retry");
        extraRetryableStatuses = Set.copyOf(extraRetryableStatuses);
        metadataHeaders = List.copyOf(metadataHeaders);
        racing = List.copyOf(racing);
        streamableEndpoints = Set.copyOf(streamableEndpoints);
        Objects.requireNonNull(deadDaemonRetention, "deadDaemonRetention");
        for (RacingRule rule : racing) {
            if (!models.containsKey(rule.model()) || !models.containsKey(rule.escalationModel())) {
                throw new IllegalArgumentException("racing rule " + rule.model() + " -> " + rule.escalationModel()
                        + " names a model that is not configured");
            }
        }
        if (claimBatchSize < 1) {
            throw new IllegalArgumentException("claimBatchSize must be at least 1");
        }
    }

    public static DaemonConfig defaults(List<ModelRoute> models) {
        return new DaemonConfig(
                models.stream().collect(Collectors.toMap(ModelRoute::name, Function.identity())),
                100,
                0.0,
                new RetryPolicy(1000, Duration.ZERO, Duration.ofSeconds(1), 2, Duration.ofSeconds(10)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Set.of(),
                List.of(),
                false,
                List.of(),
                Duration.ofSeconds(10),
                Duration.ofMinutes(10),
                1000,
                Duration.ofMillis(100),
                Set.of(),
                Duration.ofDays(7));
    }

    public DaemonConfig withRetry(RetryPolicy newRetry) {
        return copy(b -> b.retry = newRetry);
    }

    public DaemonConfig withIntervals(Duration heartbeat, Duration staleThreshold, Duration cancellationPoll,
                                      Duration finalize, Duration idleClaim) {
        return copy(b -> {
            b.heartbeatInterval = heartbeat;
            b.staleDaemonThreshold = staleThreshold;
            b.cancellationPollInterval = cancellationPoll;
            b.finalizeInterval = finalize;
            b.idleClaimInterval = idleClaim;
        });
    }

    public DaemonConfig withShutdownGrace(Duration grace) {
        return copy(b -> b.shutdownGrace = grace);
    }

    public DaemonConfig withRacing(List<RacingRule> rules, Duration checkInterval) {
        return copy(b -> {
            b.racing = rules;
            b.slaCheckInterval = checkInterval;
        });
    }

    public DaemonConfig withPurge(Duration interval, int batchSize, Duration throttle) {
        return copy(b -> {
            b.purgeInterval = interval;
            b.purgeBatchSize = batchSize;
            b.purgeThrottle = throttle;
        });
    }

    public DaemonConfig withDeadDaemonRetention(Duration retention) {
        return copy(b -> b.deadDaemonRetention = retention);
    }

    public DaemonConfig withDeadlinePriority(boolean inject) {
        return copy(b -> b.injectDeadlinePriority = inject);
    }

    public DaemonConfig withStreamableEndpoints(Set<String> paths) {
        return copy(b -> b.streamableEndpoints = paths);
    }

    public DaemonConfig withClaimBatchSize(int size) {
        return copy(b -> b.claimBatchSize = size);
    }

    private DaemonConfig copy(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** Mutable twin of the record, so each wither changes one thing without repeating every field. */
    private static final class Builder {
        Map<String, ModelRoute> models;
        int claimBatchSize;
        double urgencyWeight;
        RetryPolicy retry;
        Duration heartbeatInterval;
        Duration staleDaemonThreshold;
        Duration cancellationPollInterval;
        Duration finalizeInterval;
        Duration idleClaimInterval;
        Duration shutdownGrace;
        Set<Integer> extraRetryableStatuses;
        List<String> metadataHeaders;
        boolean injectDeadlinePriority;
        List<RacingRule> racing;
        Duration slaCheckInterval;
        Duration purgeInterval;
        int purgeBatchSize;
        Duration purgeThrottle;
        Set<String> streamableEndpoints;
        Duration deadDaemonRetention;

        Builder(DaemonConfig c) {
            models = c.models;
            claimBatchSize = c.claimBatchSize;
            urgencyWeight = c.urgencyWeight;
            retry = c.retry;
            heartbeatInterval = c.heartbeatInterval;
            staleDaemonThreshold = c.staleDaemonThreshold;
            cancellationPollInterval = c.cancellationPollInterval;
            finalizeInterval = c.finalizeInterval;
            idleClaimInterval = c.idleClaimInterval;
            shutdownGrace = c.shutdownGrace;
            extraRetryableStatuses = c.extraRetryableStatuses;
            metadataHeaders = c.metadataHeaders;
            injectDeadlinePriority = c.injectDeadlinePriority;
            racing = c.racing;
            slaCheckInterval = c.slaCheckInterval;
            purgeInterval = c.purgeInterval;
            purgeBatchSize = c.purgeBatchSize;
            purgeThrottle = c.purgeThrottle;
            streamableEndpoints = c.streamableEndpoints;
            deadDaemonRetention = c.deadDaemonRetention;
        }

        DaemonConfig build() {
            return new DaemonConfig(models, claimBatchSize, urgencyWeight, retry, heartbeatInterval, staleDaemonThreshold,
                    cancellationPollInterval, finalizeInterval, idleClaimInterval, shutdownGrace, extraRetryableStatuses,
                    metadataHeaders, injectDeadlinePriority, racing, slaCheckInterval, purgeInterval, purgeBatchSize,
                    purgeThrottle, streamableEndpoints, deadDaemonRetention);
        }
    }
}
