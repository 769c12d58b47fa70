package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStorage;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/** Small builders for the adapter-specific tests (the contracts have their own). */
final class BatchFixtures {

    static final String PATH = "/v1/chat/completions";

    private BatchFixtures() {
    }

    static RequestTemplateInput template(String customId, String model) {
        return new RequestTemplateInput(customId, "http://upstream.test", "POST", PATH,
                "{\"model\":\"" + model + "\",\"input\":\"" + customId + "\"}", model, "key-" + model);
    }

    /** {@code n} templates, models round robin. */
    static List<RequestTemplateInput> templates(int n, String... models) {
        return IntStream.range(0, n).mapToObj(i -> template(String.format("req-%06d", i), models[i % models.length])).toList();
    }

    static Batch batch(BatchStorage storage, int n, String... models) {
        FileId file = storage.createFile("input.jsonl", null, templates(n, models));
        return storage.createBatch(BatchInput.of(file, PATH, "24h"));
    }

    static DaemonId liveDaemon(DaemonStorage daemons, Instant now) {
        DaemonId id = DaemonId.generate();
        daemons.persistDaemon(new DaemonRecord(new DaemonData(id, "host", 1, "test", "{}"),
                new DaemonState.Running(now, now, DaemonStats.ZERO)));
        return id;
    }

    /** What a daemon persists when the upstream answered 200 for a claimed request (start and result in one write). */
    static BatchRequest completed(BatchRequest claimed, Instant now) {
        RequestState.Claimed state = (RequestState.Claimed) claimed.state();
        return claimed.withState(state.start(now).complete(200, "{\"ok\":\"" + claimed.data().customId() + "\"}",
                claimed.data().model(), now));
    }

    /** Waits for a test's latch to open; a latch still shut after a minute fails the test. */
    static void awaitOpen(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(1, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
