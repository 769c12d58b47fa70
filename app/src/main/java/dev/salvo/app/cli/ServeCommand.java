package dev.salvo.app.cli;

import dev.salvo.app.SalvoServer;
import dev.salvo.app.config.ConfigKeys;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the HTTP API and the batch daemon over the configured storage until stopped (Ctrl-C or SIGTERM).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(names = "--host", paramLabel = "HOST", description = "Interface to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080).")
    Integer port;

    @Option(names = "--no-daemon", description = "Run the API only; batches are executed by 'salvo daemon' processes.")
    boolean noDaemon;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> own = new HashMap<>();
        if (host != null) {
            own.put(ConfigKeys.HTTP_HOST, host);
        }
        if (port != null) {
            own.put(ConfigKeys.HTTP_PORT, port.toString());
        }
        if (noDaemon) {
            own.put(ConfigKeys.DAEMON_ENABLED, "false");
        }
        return UntilStopped.run(SalvoServer.start(config.resolve(System.getenv(), own)));
    }
}
