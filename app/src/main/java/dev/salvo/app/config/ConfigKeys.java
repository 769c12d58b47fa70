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
        DEFAULTS = Map.copyOf(d);
    }

    static final List<String> KNOWN = List.copyOf(DEFAULTS.keySet());

    private ConfigKeys() {
    }
}
