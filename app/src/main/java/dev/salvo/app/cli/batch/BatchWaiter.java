package dev.salvo.app.cli.batch;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows a batch until it ends: polls the server, feeds the progress display, rides out a server that
 * is briefly away (a restart), and prints a summary. Ctrl-C while waiting ends only the waiting: the
 * batch runs on, and a shutdown hook says so and how to pick it up again.
 */
final class BatchWaiter {

    /** How long the server may stay unreachable (or answer 5xx/429) before waiting gives up. */
    static final Duration OUTAGE_TOLERANCE = Duration.ofSeconds(60);

    private final OpenAiClient client;
    private final PrintWriter err;
    private final ProgressDisplay display;
    private final Duration pollInterval;

    BatchWaiter(OpenAiClient client, PrintWriter err, ProgressDisplay display, Duration pollInterval) {
        this.client = client;
        this.err = err;
        this.display = display;
        this.pollInterval = pollInterval;
    }

    /** @return the batch as it ended */
    BatchView await(BatchView created) {
        String id = created.id();
        long started = System.nanoTime();
        long firstDone = created.completed() + created.failed();
        Thread onCtrlC = new Thread(() -> {
            if (display != null) {
                display.breakLine();
            }
            err.println("stopped waiting: batch " + id + " keeps running on the server.");
            err.println("  salvo batch status " + id + "     where it stands");
            err.println("  salvo batch results " + id + "    its results (so far)");
            err.println("  salvo batch cancel " + id + "     stop it");
            err.flush();
        }, "salvo-batch-wait-interrupted");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        BatchView batch = created;
        try {
            show(batch);
            while (!batch.isTerminal()) {
                sleep(pollInterval);
                batch = poll(id, batch);
                show(batch);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it tells the user
            }
        }
        if (display != null) {
            display.finish();
        }
        summarize(batch, System.nanoTime() - started, batch.completed() + batch.failed() - firstDone);
        return batch;
    }

    private void show(BatchView batch) {
        if (display != null) {
            display.update(batch.total(), batch.completed(), batch.failed(), batch.status());
        }
    }

    /** One poll, retried while the server is unreachable or overloaded, up to {@link #OUTAGE_TOLERANCE}. */
    private BatchView poll(String id, BatchView previous) {
        long outageStart = 0;
        boolean told = false;
        while (true) {
            try {
                BatchView batch = new BatchView(client.retrieveBatch(id));
                if (told) {
                    err.println("the server answers again.");
                }
                return batch;
            } catch (CliException.ConnectionFailed | CliException.ApiError e) {
                if (e instanceof CliException.ApiError api && api.status() < 500 && api.status() != 429) {
                    throw e;
                }
                long now = System.nanoTime();
                if (outageStart == 0) {
                    outageStart = now;
                }
                if (now - outageStart > OUTAGE_TOLERANCE.toNanos()) {
                    if (display != null) {
                        display.breakLine();
                    }
                    err.println("gave up waiting for batch " + id + " (last seen " + previous.status() + "); it may still be running.");
                    throw e;
                }
                if (!told) {
                    if (display != null) {
                        display.breakLine();
                    }
                    err.println("warning: " + e.describe() + "; retrying for up to " + OUTAGE_TOLERANCE.toSeconds() + " s …");
                    err.flush();
                    told = true;
                }
                sleep(Duration.ofSeconds(1).compareTo(pollInterval) > 0 ? Duration.ofSeconds(1) : pollInterval);
            }
        }
    }

    private void summarize(BatchView batch, long elapsedNanos, long doneWhileWaiting) {
        Duration elapsed = Duration.ofNanos(elapsedNanos);
        String rate = elapsedNanos > 0 && doneWhileWaiting > 0
                ? ", " + ProgressMeter.rate(java.util.OptionalDouble.of(doneWhileWaiting * 1e9 / elapsedNanos)) : "";
        err.println("batch " + batch.id() + " " + batch.status() + " after " + ProgressMeter.duration(elapsed) + ": "
                + ProgressMeter.count(batch.completed()) + " completed, " + ProgressMeter.count(batch.failed()) + " failed of "
                + ProgressMeter.count(batch.total()) + rate);
        for (String error : batch.errors()) {
            err.println("  " + error);
        }
        if (batch.failed() > 0 && batch.errorFileId() != null) {
            err.println("  failed requests: salvo batch results " + batch.id() + " --errors");
        }
        err.flush();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException.Interrupted();
        }
    }
}
