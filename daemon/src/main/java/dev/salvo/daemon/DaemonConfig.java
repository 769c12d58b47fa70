package dev.salvo.daemon;

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
        List<String> metadataHeaders) {

    public DaemonConfig {
        models = Map.copyOf(models);
        Objects.requireNonNull(retry, "retry");
        extraRetryableStatuses = Set.copyOf(extraRetryableStatuses);
        metadataHeaders = List.copyOf(metadataHeaders);
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
                List.of());
    }

    public DaemonConfig withRetry(RetryPolicy newRetry) {
        return new DaemonConfig(models, claimBatchSize, urgencyWeight, newRetry, heartbeatInterval, staleDaemonThreshold,
                cancellationPollInterval, finalizeInterval, idleClaimInterval, shutdownGrace, extraRetryableStatuses,
                metadataHeaders);
    }

    public DaemonConfig withIntervals(Duration heartbeat, Duration staleThreshold, Duration cancellationPoll,
                                      Duration finalize, Duration idleClaim) {
        return new DaemonConfig(models, claimBatchSize, urgencyWeight, retry, heartbeat, staleThreshold, cancellationPoll,
                finalize, idleClaim, shutdownGrace, extraRetryableStatuses, metadataHeaders);
    }

    public DaemonConfig withShutdownGrace(Duration grace) {
        return new DaemonConfig(models, claimBatchSize, urgencyWeight, retry, heartbeatInterval, staleDaemonThreshold,
                cancellationPollInterval, finalizeInterval, idleClaimInterval, grace, extraRetryableStatuses, metadataHeaders);
    }
}
