package dev.salvo.app.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every setting Salvo reads, with its default (documented in README.md, "Configuration"). */
public final class ConfigKeys {

    public static final String HTTP_HOST = "salvo.http.host";
    public static final String HTTP_PORT = "salvo.http.port";
    public static final String STORAGE_BACKEND = "salvo.storage.backend";
    public static final String DATA_DIR = "salvo.storage.filesystem.data-dir";
    public static final String PG_URL = "salvo.storage.postgres.url";
    public static final String PG_USER = "salvo.storage.postgres.user";
    public static final String PG_PASSWORD = "salvo.storage.postgres.password";
    public static final String PG_POOL_SIZE = "salvo.storage.postgres.pool-size";
    public static final String PG_MIGRATE_ON_START = "salvo.storage.postgres.migrate-on-start";
    public static final String AUTH_KEYS = "salvo.auth.keys";
    public static final String AUTH_ADMINS = "salvo.auth.admins";
    public static final String AUTH_DEV_MODE = "salvo.auth.dev-mode";
    public static final String CHECKPOINT_MAX_STATE_BYTES = "salvo.checkpoints.max-state-bytes";
    public static final String CHECKPOINT_MAX_PER_THREAD = "salvo.checkpoints.max-per-thread";
    public static final String FILES_MAX_UPLOAD_BYTES = "salvo.files.max-upload-bytes";
    public static final String FILES_MAX_LINES = "salvo.files.max-lines";
    public static final String FILES_MAX_LINE_BYTES = "salvo.files.max-line-bytes";
    public static final String BATCH_COMPLETION_WINDOWS = "salvo.batches.completion-windows";
    public static final String MODELS = "salvo.models";
    /** Per-model keys: {@code salvo.models.<name>.<suffix>}. */
    public static final java.util.List<String> MODEL_SUFFIXES = java.util.List.of(
            "base-url", "api-key", "concurrency", "escalation-model", "escalation-threshold", "racing-to", "racing-threshold");
    public static final String DAEMON_ENABLED = "salvo.daemon.enabled";
    public static final String DAEMON_CLAIM_BATCH_SIZE = "salvo.daemon.claim-batch-size";
    public static final String DAEMON_MAX_RETRIES = "salvo.daemon.max-retries";
    public static final String DAEMON_BACKOFF = "salvo.daemon.backoff";
    public static final String DAEMON_BACKOFF_FACTOR = "salvo.daemon.backoff-factor";
    public static final String DAEMON_MAX_BACKOFF = "salvo.daemon.max-backoff";
    public static final String DAEMON_STOP_BEFORE_DEADLINE = "salvo.daemon.stop-before-deadline";
    public static final String DAEMON_FIRST_BYTE_TIMEOUT = "salvo.daemon.first-byte-timeout";
    public static final String DAEMON_EVENT_GAP_TIMEOUT = "salvo.daemon.event-gap-timeout";
    public static final String DAEMON_BODY_TIMEOUT = "salvo.daemon.body-timeout";
    public static final String DAEMON_HEARTBEAT_INTERVAL = "salvo.daemon.heartbeat-interval";
    public static final String DAEMON_STALE_THRESHOLD = "salvo.daemon.stale-daemon-threshold";
    public static final String DAEMON_CANCELLATION_POLL = "salvo.daemon.cancellation-poll-interval";
    public static final String DAEMON_PURGE_INTERVAL = "salvo.daemon.purge-interval";
    public static final String DAEMON_DEAD_RETENTION = "salvo.daemon.dead-daemon-retention";
    public static final String DAEMON_URGENCY_WEIGHT = "salvo.daemon.urgency-weight";
    public static final String DAEMON_STREAMABLE_ENDPOINTS = "salvo.daemon.streamable-endpoints";
    public static final String DAEMON_DEADLINE_PRIORITY = "salvo.daemon.inject-deadline-priority";
    public static final String DAEMON_RETRYABLE_STATUSES = "salvo.daemon.extra-retryable-statuses";
    public static final String DAEMON_METADATA_HEADERS = "salvo.daemon.metadata-headers";
    public static final String DAEMON_SHUTDOWN_GRACE = "salvo.daemon.shutdown-grace";

    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(HTTP_HOST, "127.0.0.1");
        d.put(HTTP_PORT, "8080");
        d.put(STORAGE_BACKEND, "filesystem");
        d.put(DATA_DIR, "./data");
        d.put(PG_URL, "");
        d.put(PG_USER, "");
        d.put(PG_PASSWORD, "");
        d.put(PG_POOL_SIZE, "10");
        d.put(PG_MIGRATE_ON_START, "true");
        d.put(AUTH_KEYS, "");
        d.put(AUTH_ADMINS, "");
        d.put(AUTH_DEV_MODE, "auto");
        d.put(CHECKPOINT_MAX_STATE_BYTES, String.valueOf(10L * 1024 * 1024));
        d.put(CHECKPOINT_MAX_PER_THREAD, "100");
        d.put(FILES_MAX_UPLOAD_BYTES, String.valueOf(200L * 1024 * 1024));
        d.put(FILES_MAX_LINES, "50000");
        d.put(FILES_MAX_LINE_BYTES, String.valueOf(1024 * 1024));
        d.put(BATCH_COMPLETION_WINDOWS, "24h");
        d.put(MODELS, "echo");
        d.put("salvo.models.echo.base-url", "builtin:echo");
        d.put("salvo.models.echo.concurrency", "64");
        d.put(DAEMON_ENABLED, "true");
        d.put(DAEMON_CLAIM_BATCH_SIZE, "100");
        d.put(DAEMON_MAX_RETRIES, "1000");
        d.put(DAEMON_BACKOFF, "1s");
        d.put(DAEMON_BACKOFF_FACTOR, "2");
        d.put(DAEMON_MAX_BACKOFF, "10s");
        d.put(DAEMON_STOP_BEFORE_DEADLINE, "0s");
        d.put(DAEMON_FIRST_BYTE_TIMEOUT, "9m");
        d.put(DAEMON_EVENT_GAP_TIMEOUT, "9m");
        d.put(DAEMON_BODY_TIMEOUT, "1m");
        d.put(DAEMON_HEARTBEAT_INTERVAL, "5s");
        d.put(DAEMON_STALE_THRESHOLD, "30s");
        d.put(DAEMON_CANCELLATION_POLL, "5s");
        d.put(DAEMON_PURGE_INTERVAL, "10m");
        d.put(DAEMON_DEAD_RETENTION, "7d");
        d.put(DAEMON_URGENCY_WEIGHT, "0");
        d.put(DAEMON_STREAMABLE_ENDPOINTS, "");
        d.put(DAEMON_DEADLINE_PRIORITY, "false");
        d.put(DAEMON_RETRYABLE_STATUSES, "");
        d.put(DAEMON_METADATA_HEADERS, "");
        d.put(DAEMON_SHUTDOWN_GRACE, "30s");
        DEFAULTS = Map.copyOf(d);
    }

    static final List<String> KNOWN = List.copyOf(DEFAULTS.keySet());

    private ConfigKeys() {
    }
}
