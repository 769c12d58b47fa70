package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchNotification;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-12.x}, several open instances over the same data ({@link Capability#MULTI_PROCESS}): what API
 * replicas and daemon workers in separate processes rely on. The second instance comes from the adapter's
 * {@code openAnother} hook, with its own resources (for a database its own connection pool).
 *
 * <p>Section 12 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface MultiProcessSection extends BatchFixture {

    @Test
    @Rule("BS-12.1")
    @Requires(Capability.MULTI_PROCESS)
    default void concurrentClaimsThroughTwoInstances() {
        BatchStores other = anotherStore();
        Batch b = newBatch(2_000, M, M2);
        List<BatchStorage> instances = List.of(storage(), other.batches());
        DaemonId[] daemons = new DaemonId[8];
        for (int i = 0; i < 8; i++) {
            daemons[i] = liveDaemon();
        }
        Map<RequestId, DaemonId> claimedBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();

        Concurrently.run(8, worker -> {
            BatchStorage instance = instances.get(worker % 2);
            for (int call = 0; call <= 2_000; call++) {
                List<BatchRequest> got = instance.claimRequests(ClaimRequest.of(25, daemons[worker], Map.of(M, 20, M2, 20)));
                if (got.isEmpty()) {
                    return;
                }
                assertThat(got.size()).isLessThanOrEqualTo(25);
                assertThat(got.stream().filter(r -> r.data().model().equals(M)).count()).isLessThanOrEqualTo(20);
                assertThat(got.stream().filter(r -> r.data().model().equals(M2)).count()).isLessThanOrEqualTo(20);
                for (BatchRequest r : got) {
                    if (claimedBy.putIfAbsent(r.id(), daemons[worker]) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
            throw new AssertionError("claims never ran dry (" + duplicates.get() + " duplicate claims so far)");
        });

        assertThat(duplicates).hasValue(0);
        assertThat(claimedBy).hasSize(2_000);
        for (BatchStorage instance : instances) {
            assertThat(instance.getBatch(b.id()).counts()).isEqualTo(counts(2_000, 0, 2_000, 0, 0, 0));
            assertThat(instance.getRequests(List.copyOf(claimedBy.keySet()))).allSatisfy(lookup -> {
                BatchRequest r = ((RequestLookup.Found) lookup).request();
                assertThat(r.state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                        s -> assertThat(s.daemonId()).isEqualTo(claimedBy.get(r.id())));
            });
            assertThat(instance.claimRequests(ClaimRequest.of(25, daemons[0], Map.of(M, 25, M2, 25)))).isEmpty();
        }
    }

    @Test
    @Rule("BS-12.2")
    @Requires(Capability.MULTI_PROCESS)
    default void resultsThroughAnotherInstanceAreSeenHere() {
        BatchStores other = anotherStore();
        Batch b = newBatch(6, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = byLine(other.batches().claimRequests(ClaimRequest.of(4, d, Map.of(M, 4))));
        assertThat(claimed).hasSize(4);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 2, 4, 0, 0, 0));
        for (BatchRequest r : claimed) {
            assertThat(reload(r.id())).isEqualTo(r);
        }
        List<BatchRequest> started = new ArrayList<>();
        for (BatchRequest r : claimed) {
            BatchRequest processing = r.withState(((RequestState.Claimed) r.state()).start(now()));
            assertThat(other.batches().persist(processing, holder(r)).applied()).isTrue();
            started.add(processing);
        }
        Instant t = now();
        for (int i = 0; i < 2; i++) {
            RequestState.Processing p = (RequestState.Processing) started.get(i).state();
            assertThat(other.batches().persist(started.get(i).withState(p.complete(200, "{\"via\":\"other ✓\"}", M, t)),
                    holder(started.get(i))).applied()).isTrue();
        }
        FailureReason reason = new FailureReason.NonRetriableHttpStatus(400, "bad request");
        RequestState.Processing failing = (RequestState.Processing) started.get(2).state();
        assertThat(other.batches().persist(started.get(2).withState(failing.fail(reason, M, t)), holder(started.get(2)))
                .applied()).isTrue();

        assertThat(batch(b.id()).counts()).isEqualTo(counts(6, 2, 1, 2, 1, 0));
        assertThat(storage().getBatchStatus(b.id()).counts()).isEqualTo(counts(6, 2, 1, 2, 1, 0));
        assertThat(started).extracting(r -> kindOf(r.id())).containsExactly(RequestStateKind.COMPLETED,
                RequestStateKind.COMPLETED, RequestStateKind.FAILED, RequestStateKind.PROCESSING);
        assertThat(storage().getRequests(ids(started))).isEqualTo(other.batches().getRequests(ids(started)));
        List<FileContentItem> output = content(b.outputFileId());
        assertThat(lineRequestIds(output)).containsExactlyElementsOf(inIdOrder(List.of(started.get(0).id(), started.get(1).id())));
        assertThat(output).allSatisfy(line -> assertThat(((FileContentItem.OutputLine) line).body()).isEqualTo("{\"via\":\"other ✓\"}"));
        assertThat(content(b.errorFileId())).containsExactly(
                new FileContentItem.ErrorLine(started.get(2).id(), "req-00002", reason));
        assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::status).containsExactly(ResultStatus.COMPLETED,
                ResultStatus.COMPLETED, ResultStatus.FAILED, ResultStatus.IN_PROGRESS, ResultStatus.PENDING, ResultStatus.PENDING);

        assertThat(complete(started.get(3)).applied()).isTrue();
        completeAll(d, M, 2);

        Batch seenThere = other.batches().getBatch(b.id());
        assertThat(seenThere.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(seenThere.counts()).isEqualTo(counts(6, 0, 0, 5, 1, 0));
        assertThat(seenThere).isEqualTo(batch(b.id()));
        assertThat(drain(() -> other.batches().streamFileContent(b.outputFileId(), 0, null))).hasSize(5)
                .isEqualTo(content(b.outputFileId()));
    }

    @Test
    @Rule("BS-12.3")
    @Requires(Capability.MULTI_PROCESS)
    default void batchesFinishOnceThroughTwoInstances() {
        BatchStores other = anotherStore();
        List<BatchId> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batches.add(newBatch(25, M).id());
        }
        List<BatchRequest> claimed = claim(liveDaemon(), M, 200);
        assertThat(claimed).hasSize(200);
        List<BatchStorage> instances = List.of(storage(), other.batches());

        Concurrently.run(8, worker -> {
            BatchStorage instance = instances.get(worker % 2);
            for (int i = worker; i < 200; i += 8) {
                BatchRequest r = claimed.get(i);
                BatchRequest processing = r.withState(((RequestState.Claimed) r.state()).start(now()));
                assertThat(instance.persist(processing, holder(r)).applied()).isTrue();
                RequestState.Processing p = (RequestState.Processing) processing.state();
                assertThat(instance.persist(processing.withState(p.complete(200, responseBody(r), M, now())),
                        holder(processing)).applied()).isTrue();
            }
        });

        for (BatchStorage instance : instances) {
            for (BatchId id : batches) {
                Batch done = instance.getBatch(id);
                assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
                assertThat(done.counts()).isEqualTo(counts(25, 0, 0, 25, 0, 0));
                assertThat(done.finalizingAt()).isNotNull();
                assertThat(done.completedAt()).isNotNull();
                assertThat(drain(() -> instance.streamFileContent(done.outputFileId(), 0, null))).hasSize(25);
            }
            assertThat(instance.finalizeBatches(100)).isEmpty();
        }
        Map<BatchId, Integer> handedOut = new ConcurrentHashMap<>();
        Concurrently.run(8, worker -> {
            BatchStorage instance = instances.get(worker % 2);
            for (int call = 0; call <= 8; call++) {
                List<BatchNotification> got = instance.pollCompletedBatches(1);
                if (got.isEmpty()) {
                    return;
                }
                got.forEach(note -> handedOut.merge(note.batch().id(), 1, Integer::sum));
            }
            throw new AssertionError("pollCompletedBatches never ran dry: batches are handed out more than once");
        });
        assertThat(handedOut.keySet()).containsExactlyInAnyOrderElementsOf(batches);
        assertThat(handedOut.values()).containsOnly(1);
        assertThat(storage().pollCompletedBatches(10)).isEmpty();
        assertThat(other.batches().pollCompletedBatches(10)).isEmpty();
    }
}
