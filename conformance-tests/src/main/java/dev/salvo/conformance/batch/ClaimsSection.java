package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-5.x}, claims: what is claimable, capacities, ordering, concurrent claimers.
 *
 * <p>Section 5 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface ClaimsSection extends BatchFixture {

    @Test
    @Rule("BS-5.1")
    default void claimMovesToClaimed() {
        newBatch(3, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> claimed = claim(d, M, 2);

        assertThat(claimed).hasSize(2);
        for (BatchRequest r : claimed) {
            assertThat(r.state()).isInstanceOfSatisfying(RequestState.Claimed.class, s -> {
                assertThat(s.daemonId()).isEqualTo(d);
                assertThat(s.retryAttempt()).isZero();
                if (has(Capability.CONTROLLABLE_CLOCK)) {
                    assertThat(s.claimedAt()).isEqualTo(now());
                }
            });
            assertThat(reload(r.id())).isEqualTo(r);
        }
        assertThat(claim(d, M, 5)).hasSize(1);
        assertThat(claim(d, M, 5)).isEmpty();
    }

    @Test
    @Rule("BS-5.2")
    default void onlyRunningBatchesClaimed() {
        DaemonId d = liveDaemon();
        Batch cancelling = newBatch(3, M);
        BatchRequest held = claim(d, M, 1).getFirst();
        storage().cancelBatch(cancelling.id());
        Batch cancelled = newBatch(3, M);
        storage().cancelBatch(cancelled.id());
        Batch failed = newBatch(3, M);
        storage().markBatchFailed(failed.id(), "failed on purpose");
        Batch deleted = newBatch(3, M);
        storage().deleteBatch(deleted.id());
        FileId recordOnly = upload(3, M);
        storage().createBatchRecord(input(recordOnly));
        Batch running = newBatch(2, M2);

        List<BatchRequest> claimed = claim(d, 100, Map.of(M, 100, M2, 100));

        assertThat(claimed).extracting(r -> r.data().batchId()).containsOnly(running.id());
        assertThat(claimed).hasSize(2);
        assertThat(batch(cancelling.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(kindOf(held.id())).isEqualTo(RequestStateKind.CLAIMED);
    }

    @Test
    @Rule("BS-5.3")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void pastDeadlineNotClaimed() {
        newBatch("1h", 3, M);
        Batch later = newBatch("2h", 2, M);
        clock().advance(Duration.ofMinutes(61));
        DaemonId d = liveDaemon();

        assertThat(claim(d, M, 10)).extracting(r -> r.data().batchId()).containsOnly(later.id()).hasSize(2);
        storage().finalizeBatches(10);
        assertThat(claim(d, M, 10)).isEmpty();
    }

    @Test
    @Rule("BS-5.4")
    default void notBeforeAheadNotClaimed() {
        newBatch(3, M);
        DaemonId d = liveDaemon();
        BatchRequest first = processing(d, M, 1).getFirst();
        assertThat(reschedule(first, new RequestState.Pending(1, FAR_FUTURE))).isTrue();

        List<BatchRequest> claimed = claim(d, M, 10);

        assertThat(claimed).hasSize(2).extracting(BatchRequest::id).doesNotContain(first.id());
        assertThat(claim(d, M, 10)).isEmpty();
        assertThat(stateOf(first.id())).isEqualTo(new RequestState.Pending(1, FAR_FUTURE));
    }

    @Test
    @Rule("BS-5.5")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void notBeforePassing() {
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest r = processing(d, M, 1).getFirst();
        reschedule(r, new RequestState.Pending(2, now().plusSeconds(30)));

        clock().advance(Duration.ofSeconds(29));
        assertThat(claim(d, M, 1)).isEmpty();
        clock().advance(Duration.ofSeconds(2));
        List<BatchRequest> again = claim(d, M, 1);

        assertThat(again).singleElement().extracting(BatchRequest::id).isEqualTo(r.id());
        assertThat(again.getFirst().state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                s -> assertThat(s.retryAttempt()).isEqualTo(2));
    }

    @Test
    @Rule("BS-5.6")
    default void capacityAndLimit() {
        newBatch(20, M, M2);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = claim(d, 5, Map.of(M, 3, M2, 10));
        assertThat(first).hasSize(5);
        assertThat(first.stream().filter(r -> r.data().model().equals(M)).count()).isLessThanOrEqualTo(3);

        assertThat(claim(d, 0, Map.of(M, 10, M2, 10))).isEmpty();
        List<BatchRequest> second = claim(d, 100, Map.of(M, 4));
        assertThat(second).hasSize(4).allMatch(r -> r.data().model().equals(M));
        List<BatchRequest> rest = claim(d, 100, Map.of(M, 100, M2, 100));
        assertThat(first.size() + second.size() + rest.size()).isEqualTo(20);
        assertThat(rest.stream().filter(r -> r.data().model().equals(M)).count())
                .isEqualTo(10 - 4 - first.stream().filter(r -> r.data().model().equals(M)).count());
    }

    @Test
    @Rule("BS-5.7")
    default void zeroCapacityNeverClaimed() {
        newBatch(9, M, M2, "model-c");
        DaemonId d = liveDaemon();

        assertThat(claim(d, 100, Map.of(M2, 0, "model-c", -1))).isEmpty();
        assertThat(claim(d, 100, Map.of())).isEmpty();
        List<BatchRequest> claimed = claim(d, 100, Map.of(M, 100, M2, 0, "unknown-model", 5));
        assertThat(claimed).hasSize(3).allMatch(r -> r.data().model().equals(M));
    }

    @Test
    @Rule("BS-5.8")
    default void fairnessOrder() {
        Batch alices = newOwnedBatch("alice", "24h", 5, M);
        Batch bobs = newOwnedBatch("bob", "24h", 5, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = storage().claimRequests(
                new ClaimRequest(3, d, Map.of(M, 3), Map.of("alice", 4, "bob", 1), 0.0));
        assertThat(first).hasSize(3).allMatch(r -> r.data().batchId().equals(bobs.id()));

        List<BatchRequest> second = storage().claimRequests(
                new ClaimRequest(3, d, Map.of(M, 3), Map.of("alice", 0, "bob", 7), 0.0));
        assertThat(second).hasSize(3).allMatch(r -> r.data().batchId().equals(alices.id()));
        assertThat(second).allMatch(r -> r.data().createdBy().equals("alice"));
    }

    @Test
    @Rule("BS-5.9")
    default void urgencyOrder() {
        Batch relaxed = newOwnedBatch("xavier", "10h", 5, M);
        Batch urgent = newOwnedBatch("yvonne", "2h", 5, M);
        DaemonId d = liveDaemon();

        List<BatchRequest> first = storage().claimRequests(
                new ClaimRequest(4, d, Map.of(M, 4), Map.of("yvonne", 50, "xavier", 0), 1.0));
        assertThat(first).hasSize(4).allMatch(r -> r.data().batchId().equals(urgent.id()));
        List<BatchRequest> second = storage().claimRequests(
                new ClaimRequest(4, d, Map.of(M, 4), Map.of("yvonne", 50, "xavier", 0), 1.0));
        assertThat(second).hasSize(4);
        assertThat(second.stream().filter(r -> r.data().batchId().equals(urgent.id())).count()).isEqualTo(1);
        assertThat(second.stream().filter(r -> r.data().batchId().equals(relaxed.id())).count()).isEqualTo(3);
    }

    @Test
    @Rule("BS-5.10")
    default void claimCarriesBatchData() {
        List<RequestTemplateInput> templates = templates(2, M);
        FileId file = upload("carry.jsonl", templates);
        Batch keyed = newBatch(new BatchInput(file, PATH, "24h", Map.of("project", "apollo", "team", "ops"), "erin",
                "kid-1", "batch-secret", null));
        Batch unkeyed = newBatch(new BatchInput(upload(1, M2), PATH, "3h", Map.of(), "frank", null, null, null));
        DaemonId d = liveDaemon();

        List<BatchRequest> claimed = claim(d, 10, Map.of(M, 10, M2, 10));

        assertThat(claimed).hasSize(3);
        List<BatchRequest> fromKeyed = byLine(claimed.stream().filter(r -> r.data().batchId().equals(keyed.id())).toList());
        assertThat(fromKeyed).hasSize(2);
        for (int i = 0; i < 2; i++) {
            RequestData data = fromKeyed.get(i).data();
            assertThat(data.apiKey()).isEqualTo("batch-secret");
            assertThat(data.createdBy()).isEqualTo("erin");
            assertThat(data.batchExpiresAt()).isEqualTo(keyed.expiresAt());
            assertThat(data.batchMetadata()).isEqualTo(Map.of("project", "apollo", "team", "ops"));
            assertThat(data.body()).isEqualTo(templates.get(i).body());
            assertThat(data.customId()).isEqualTo(templates.get(i).customId());
            assertThat(data.endpoint()).isEqualTo(UPSTREAM);
            assertThat(data.path()).isEqualTo(PATH);
            assertThat(data.method()).isEqualTo("POST");
        }
        RequestData plain = claimed.stream().filter(r -> r.data().batchId().equals(unkeyed.id())).findFirst()
                .orElseThrow().data();
        assertThat(plain.apiKey()).isEqualTo("template-key-" + M2);
        assertThat(plain.createdBy()).isEqualTo("frank");
        assertThat(plain.batchExpiresAt()).isEqualTo(unkeyed.expiresAt());
        assertThat(plain.batchMetadata()).isEmpty();
    }

    @Test
    @Rule("BS-5.11")
    default void concurrentClaimers() {
        int total = 10_000;
        for (int b = 0; b < 4; b++) {
            newOwnedBatch("owner-" + b, "24h", total / 4, M, M2);
        }
        int threads = 8;
        int limit = 50;
        Map<String, Integer> capacity = Map.of(M, 30, M2, 30);
        DaemonId[] daemons = new DaemonId[threads];
        for (int i = 0; i < threads; i++) {
            daemons[i] = liveDaemon();
        }
        Map<RequestId, DaemonId> claimedBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();

        Concurrently.run(threads, worker -> {
            for (int call = 0; call <= total; call++) {
                List<BatchRequest> got = storage().claimRequests(
                        new ClaimRequest(limit, daemons[worker], capacity, Map.of(), 0.5));
                calls.incrementAndGet();
                if (got.isEmpty()) {
                    return;
                }
                assertThat(got.size()).isLessThanOrEqualTo(limit);
                assertThat(got.stream().filter(r -> r.data().model().equals(M)).count()).isLessThanOrEqualTo(30);
                assertThat(got.stream().filter(r -> r.data().model().equals(M2)).count()).isLessThanOrEqualTo(30);
                for (BatchRequest r : got) {
                    if (claimedBy.putIfAbsent(r.id(), daemons[worker]) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
            throw new AssertionError("claims never ran dry (" + duplicates.get() + " duplicate claims so far)");
        });

        assertThat(duplicates).hasValue(0);
        assertThat(claimedBy).hasSize(total);
        assertThat(calls.get()).isGreaterThanOrEqualTo(total / limit);
        List<RequestLookup> stored = storage().getRequests(List.copyOf(claimedBy.keySet()));
        assertThat(stored).allSatisfy(l -> {
            BatchRequest r = ((RequestLookup.Found) l).request();
            assertThat(r.state()).isInstanceOfSatisfying(RequestState.Claimed.class,
                    s -> assertThat(s.daemonId()).isEqualTo(claimedBy.get(r.id())));
        });
        assertThat(storage().listBatches(ListBatchesFilter.all())).allSatisfy(b ->
                assertThat(b.counts()).isEqualTo(counts(total / 4, 0, total / 4, 0, 0, 0)));
    }

    @Test
    @Rule("BS-5.12")
    default void blendedOrder() {
        Batch xena = newOwnedBatch("xena", "12h", 2, M);
        Batch yuri = newOwnedBatch("yuri", "7d", 2, M);
        Batch zoe = newOwnedBatch("zoe", "1h", 2, M);
        DaemonId d = liveDaemon();
        Map<String, Integer> load = Map.of("xena", 2, "yuri", 0, "zoe", 5);
        // score = 0.5 x load / 5 (the highest load) + 0.5 x min(1, time left / 24h), lowest first:
        //   xena 0.5 x 2/5 + 0.5 x 12/24 = 0.45;  yuri 0.5 x 0 + 0.5 x 1 = 0.5;  zoe 0.5 x 5/5 + 0.5 x 1/24 = 0.52.
        // Fairness alone (weight 0) would serve yuri first, urgency alone (weight 1) zoe first.

        List<BatchRequest> first = storage().claimRequests(new ClaimRequest(3, d, Map.of(M, 3), load, 0.5));
        List<BatchRequest> second = storage().claimRequests(new ClaimRequest(3, d, Map.of(M, 3), load, 0.5));

        assertThat(first).extracting(r -> r.data().batchId()).containsExactlyInAnyOrder(xena.id(), xena.id(), yuri.id());
        assertThat(first).filteredOn(r -> r.data().batchId().equals(yuri.id())).extracting(r -> r.data().lineNumber())
                .containsExactly(0L);
        assertThat(second).extracting(r -> r.data().batchId()).containsExactlyInAnyOrder(yuri.id(), zoe.id(), zoe.id());
    }
}
