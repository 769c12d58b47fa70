package dev.salvo.app.cli;

import dev.salvo.app.SalvoServer;
import dev.salvo.app.config.ConfigKeys;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
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
        if (!noDaemon) {
            // Before anything starts a virtual thread; the daemon may still be disabled by configuration,
            // which costs a carrier the API alone would not have needed, but nothing else.
            int cores = Runtime.getRuntime().availableProcessors();
            ApiCoreReserve.apply(cores).ifPresent(carriers -> LoggerFactory.getLogger(ServeCommand.class).info(
                    "Daemon and API share this JVM: {} virtual-thread carrier(s) on {} cores, one core left to the API"
                            + " (-D{}=N to choose)", carriers, cores, ApiCoreReserve.PARALLELISM));
        }
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
