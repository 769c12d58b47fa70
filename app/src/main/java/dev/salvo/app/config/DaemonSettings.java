package dev.salvo.app.config;

import dev.salvo.core.batch.RetryPolicy;
import dev.salvo.daemon.config.DaemonConfig;
import dev.salvo.daemon.config.ModelRoute;
import dev.salvo.daemon.upstream.UpstreamTimeouts;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns {@code salvo.daemon.*} and the model list into the daemon's configuration. */
public record DaemonSettings(DaemonConfig config, UpstreamTimeouts timeouts) {

    public static DaemonSettings from(SalvoConfig c, ModelSettings models) {
        RetryPolicy retry = new RetryPolicy(
                c.intValue(ConfigKeys.DAEMON_MAX_RETRIES),
                duration(c, ConfigKeys.DAEMON_STOP_BEFORE_DEADLINE),
                duration(c, ConfigKeys.DAEMON_BACKOFF),
                c.longValue(ConfigKeys.DAEMON_BACKOFF_FACTOR),
                duration(c, ConfigKeys.DAEMON_MAX_BACKOFF));
        double urgency;
        try {
            urgency = Double.parseDouble(c.require(ConfigKeys.DAEMON_URGENCY_WEIGHT));
        } catch (NumberFormatException e) {
            throw new ConfigException(ConfigKeys.DAEMON_URGENCY_WEIGHT + " must be a number from 0 to 1");
        }
        if (!(urgency >= 0 && urgency <= 1)) {
            throw new ConfigException(ConfigKeys.DAEMON_URGENCY_WEIGHT + " must be a number from 0 to 1");
        }
        DaemonConfig defaults = DaemonConfig.defaults(models.routes());
        DaemonConfig config = new DaemonConfig(
                models.routes().stream().collect(Collectors.toMap(ModelRoute::name, Function.identity())),
                c.intValue(ConfigKeys.DAEMON_CLAIM_BATCH_SIZE),
                urgency,
                retry,
                duration(c, ConfigKeys.DAEMON_HEARTBEAT_INTERVAL),
                duration(c, ConfigKeys.DAEMON_STALE_THRESHOLD),
                duration(c, ConfigKeys.DAEMON_CANCELLATION_POLL),
                defaults.finalizeInterval(),
                defaults.idleClaimInterval(),
                duration(c, ConfigKeys.DAEMON_SHUTDOWN_GRACE),
                list(c, ConfigKeys.DAEMON_RETRYABLE_STATUSES).stream().map(DaemonSettings::parseStatus).collect(Collectors.toSet()),
                list(c, ConfigKeys.DAEMON_METADATA_HEADERS),
                c.booleanValue(ConfigKeys.DAEMON_DEADLINE_PRIORITY),
                models.racing(),
                Duration.ofSeconds(10),
                duration(c, ConfigKeys.DAEMON_PURGE_INTERVAL),
                1000,
                Duration.ofMillis(100),
                new LinkedHashSet<>(list(c, ConfigKeys.DAEMON_STREAMABLE_ENDPOINTS)),
                duration(c, ConfigKeys.DAEMON_DEAD_RETENTION));
        UpstreamTimeouts timeouts = new UpstreamTimeouts(duration(c, ConfigKeys.DAEMON_FIRST_BYTE_TIMEOUT),
                duration(c, ConfigKeys.DAEMON_EVENT_GAP_TIMEOUT), duration(c, ConfigKeys.DAEMON_BODY_TIMEOUT));
        return new DaemonSettings(config, timeouts);
    }

    private static Duration duration(SalvoConfig c, String key) {
        return Durations.parse(key, c.require(key));
    }

    private static List<String> list(SalvoConfig c, String key) {
        return Arrays.stream(c.getOrDefault(key, "").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static int parseStatus(String text) {
        try {
            int status = Integer.parseInt(text);
            if (status >= 400 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(ConfigKeys.DAEMON_RETRYABLE_STATUSES + " entries must be HTTP statuses 400-599, was '" + text + "'");
    }

}
