package dev.salvo.app.cli;

import dev.salvo.app.SalvoServer;
import java.util.concurrent.CountDownLatch;

/** Keeps a started server running until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes it gracefully. */
final class UntilStopped {

    private UntilStopped() {
    }

    static int run(SalvoServer server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "salvo-shutdown"));
        stopped.await();
        return 0;
    }
}
