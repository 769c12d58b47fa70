package dev.salvo.app.cli;

import dev.salvo.app.SalvoServer;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run a batch worker alone (no HTTP API) until stopped; any number may share one PostgreSQL store.")
final class DaemonCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws InterruptedException {
        SalvoServer server = SalvoServer.start(config.resolve(System.getenv(), Map.of()), false, true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "salvo-shutdown"));
        stopped.await();
        return 0;
    }
}
