package dev.salvo.app.cli;

import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every command that needs configuration; they override file and environment. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with salvo.* settings.")
    Path configFile;

    @Option(names = "--storage", paramLabel = "BACKEND", description = "Storage backend: memory, filesystem (default) or postgres.")
    String storage;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of the filesystem backend (default ./data).")
    Path dataDir;

    @Option(names = "--pg-url", paramLabel = "JDBC_URL", description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/salvo")
    String pgUrl;

    @Option(names = "--pg-user", paramLabel = "USER", description = "PostgreSQL user.")
    String pgUser;

    @Option(names = "--pg-password", paramLabel = "PASSWORD", description = "PostgreSQL password (prefer SALVO_STORAGE_POSTGRES_PASSWORD).")
    String pgPassword;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any salvo.* setting, e.g. --set salvo.checkpoints.max-per-thread=500")
    Map<String, String> extra = new LinkedHashMap<>();

    SalvoConfig resolve(Map<String, String> environment) {
        return resolve(environment, Map.of());
    }

    /** @param commandSettings settings of the command's own options, which win over everything else */
    SalvoConfig resolve(Map<String, String> environment, Map<String, String> commandSettings) {
        SalvoConfig.Builder builder = SalvoConfig.builder();
        if (configFile != null) {
            builder.file(configFile);
        }
        builder.environment(environment);
        extra.forEach(builder::set);
        builder.set(ConfigKeys.STORAGE_BACKEND, storage);
        builder.set(ConfigKeys.DATA_DIR, dataDir == null ? null : dataDir.toString());
        builder.set(ConfigKeys.PG_URL, pgUrl);
        builder.set(ConfigKeys.PG_USER, pgUser);
        builder.set(ConfigKeys.PG_PASSWORD, pgPassword);
        commandSettings.forEach(builder::set);
        return builder.build();
    }
}
