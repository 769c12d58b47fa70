package dev.salvo.app.cli;

import dev.salvo.app.SalvoServer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run a batch worker alone (no HTTP API) until stopped; any number may share one PostgreSQL store.")
final class DaemonCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws InterruptedException {
        return UntilStopped.run(SalvoServer.start(config.resolve(System.getenv(), Map.of()), false, true));
    }
}
