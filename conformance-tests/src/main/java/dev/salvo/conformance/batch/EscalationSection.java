package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.OpenAiBatchStatus;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-8.x}, SLA escalation by racing pairs.
 *
 * <p>Section 8 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface EscalationSection extends BatchFixture {

    @Test
    @Rule("BS-8.1")
    default void escalationCreatesCopies() {
        Batch b = storage().createBatch(input(upload(6, M, M2)).withApiKey("batch-key"));
        DaemonId d = liveDaemon();
        BatchRequest claimedOriginal = claim(d, M, 1).getFirst();
        Duration threshold = Duration.ofHours(25);

        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING), FAST,
                "escalation-key")).isEqualTo(2);
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING,
                RequestStateKind.CLAIMED), FAST, "escalation-key")).isEqualTo(1);
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PENDING,
                RequestStateKind.CLAIMED), FAST, "escalation-key")).isZero();

        List<BatchRequest> originals = originals(b.id());
        List<BatchRequest> copies = copies(b.id());
        assertThat(copies).hasSize(3);
        List<BatchRequest> escalatedOriginals = originals.stream().filter(r -> r.data().model().equals(M)).toList();
        assertThat(copies).extracting(r -> r.data().escalatedFrom()).containsExactlyElementsOf(ids(escalatedOriginals));
        assertThat(escalatedOriginals).extracting(BatchRequest::id).contains(claimedOriginal.id());
        for (int i = 0; i < copies.size(); i++) {
            RequestData copy = copies.get(i).data();
            RequestData original = escalatedOriginals.get(i).data();
            assertThat(copies.get(i).state()).isEqualTo(RequestState.Pending.fresh());
            assertThat(copy.id()).isNotEqualTo(original.id());
            assertThat(copy.batchId()).isEqualTo(b.id());
            assertThat(copy.templateId()).isEqualTo(original.templateId());
            assertThat(copy.lineNumber()).isEqualTo(original.lineNumber());
            assertThat(copy.customId()).isEqualTo(original.customId());
            assertThat(copy.body()).isEqualTo(original.body());
            assertThat(copy.model()).isEqualTo(FAST);
            assertThat(copy.apiKey()).isEqualTo("escalation-key");
            assertThat(copy.batchExpiresAt()).isEqualTo(b.expiresAt());
            assertThat(copy.isEscalated()).isTrue();
        }
        assertThat(requests(b.id())).hasSize(9);
        assertThat(requests(b.id())).extracting(r -> r.data().lineNumber()).isSorted();
    }

    @Test
    @Rule("BS-8.2")
    default void escalationSelectsCarefully() {
        Batch b = newBatch(4, M, M2);
        Batch cancelled = newBatch(2, "model-c");
        storage().cancelBatch(cancelled.id());
        Duration threshold = Duration.ofHours(25);

        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(1), EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests(M, threshold, EnumSet.of(RequestStateKind.PROCESSING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests("model-c", threshold, EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(storage().createEscalatedRequests("model-z", threshold, EnumSet.of(RequestStateKind.PENDING),
                FAST, null)).isZero();
        assertThat(copies(b.id())).isEmpty();

        assertThat(storage().createEscalatedRequests(M2, threshold, EnumSet.of(RequestStateKind.PENDING),
                null, null)).isEqualTo(2);
        assertThat(copies(b.id())).hasSize(2).allSatisfy(c -> {
            assertThat(c.data().model()).isEqualTo(M2);
            assertThat(c.data().apiKey()).isEqualTo("template-key-" + M2);
        });
    }

    @Test
    @Rule("BS-8.3")
    default void copiesInvisibleToCounts() {
        Batch b = newBatch(3, M);
        DaemonId d = liveDaemon();
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> copiesClaimed = claim(d, FAST, 3);
        assertThat(copiesClaimed).hasSize(3).allMatch(r -> r.data().isEscalated());

        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
        start(copiesClaimed.get(0));
        fail(start(copiesClaimed.get(1)));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(results(b.id(), 0, null, null)).hasSize(3).extracting(BatchResultItem::lineNumber)
                .containsExactly(0L, 1L, 2L);
        List<BatchRequest> all = requests(b.id());
        assertThat(all).hasSize(6);
        assertThat(all).extracting(r -> r.data().lineNumber()).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
        for (int line = 0; line < 3; line++) {
            List<BatchRequest> pair = all.subList(2 * line, 2 * line + 2);
            BatchRequest original = pair.stream().filter(r -> !r.data().isEscalated()).findFirst().orElseThrow();
            BatchRequest copy = pair.stream().filter(r -> r.data().isEscalated()).findFirst().orElseThrow();
            assertThat(copy.data().escalatedFrom()).isEqualTo(original.id());
        }
        assertThat(storage().getBatchStatus(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
    }

    /** One original of model M and its copy of model FAST, both processing (by different daemons). */
    private List<BatchRequest> racingPair(Batch b) {
        BatchRequest original = processing(liveDaemon(), M, 1).getFirst();
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(
                RequestStateKind.PROCESSING), FAST, null)).isEqualTo(1);
        BatchRequest copy = processing(liveDaemon(), FAST, 1).getFirst();
        assertThat(copy.data().escalatedFrom()).isEqualTo(original.id());
        assertThat(copy.data().batchId()).isEqualTo(b.id());
        return List.of(original, copy);
    }

    @Test
    @Rule("BS-8.4")
    default void copyWins() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest original = pair.get(0);
        BatchRequest copy = pair.get(1);

        PersistResult result = complete(copy, "{\"winner\":\"copy\"}", now());

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(original.id())));
        assertThat(stateOf(original.id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(copy.id()));
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(copy.id());
        BatchResultItem row = results(b.id(), 0, null, null).getFirst();
        assertThat(row.requestId()).isEqualTo(copy.id());
        assertThat(row.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(row.responseBody()).isEqualTo("{\"winner\":\"copy\"}");
        assertThat(row.lineNumber()).isZero();
        assertThat(row.customId()).isEqualTo("req-00000");
    }

    @Test
    @Rule("BS-8.5")
    default void originalWins() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest original = pair.get(0);
        BatchRequest copy = pair.get(1);

        PersistResult result = complete(original, "{\"winner\":\"original\"}", now());

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(copy.id())));
        assertThat(stateOf(copy.id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(original.id()));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(original.id());
        assertThat(results(b.id(), 0, null, null).getFirst().requestId()).isEqualTo(original.id());
    }

    @Test
    @Rule("BS-8.6")
    default void loserDropped() {
        Batch b = newBatch(3, M);
        BatchRequest o0 = processing(liveDaemon(), M, 1).getFirst();
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PROCESSING,
                RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> originalsRunning = new ArrayList<>(List.of(o0));
        originalsRunning.addAll(processing(liveDaemon(), M, 2));
        List<BatchRequest> copiesRunning = processing(liveDaemon(), FAST, 3);
        assertThat(copiesRunning).hasSize(3);

        complete(copiesRunning.get(0));
        complete(originalsRunning.get(1));
        complete(copiesRunning.get(2));
        for (BatchRequest loser : List.of(originalsRunning.get(0), copiesRunning.get(1), originalsRunning.get(2))) {
            assertThat(complete(loser)).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
            assertThat(fail(loser)).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        }

        List<FileContentItem> out = content(b.outputFileId());
        assertThat(customIds(out)).hasSize(3).doesNotHaveDuplicates();
        assertThat(lineRequestIds(out)).containsExactlyInAnyOrder(copiesRunning.get(0).id(), originalsRunning.get(1).id(),
                copiesRunning.get(2).id());
        assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::requestId).containsExactly(
                copiesRunning.get(0).id(), originalsRunning.get(1).id(), copiesRunning.get(2).id());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 3, 0, 0));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
    }

    @Test
    @Rule("BS-8.7")
    default void failedOriginalSuperseded() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        fail(pair.get(0));
        Batch waiting = batch(b.id());
        assertThat(waiting.status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(waiting.completedAt()).isNull();

        PersistResult result = complete(pair.get(1));

        assertThat(result).isEqualTo(new PersistResult.Applied(Optional.of(pair.get(0).id())));
        assertThat(kindOf(pair.get(0).id())).isEqualTo(RequestStateKind.SUPERSEDED);
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(pair.get(1).id());
    }

    @Test
    @Rule("BS-8.8")
    default void bothFail() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        fail(pair.get(1));
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        fail(pair.get(0));

        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 0, 1, 0));
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactly(pair.get(0).id());
        assertThat(content(b.outputFileId())).isEmpty();
    }

    @Test
    @Rule("BS-8.9")
    default void findPendingEscalation() {
        Batch b = newBatch(2, M);
        List<BatchRequest> o = originals(b.id());
        storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST, null);
        List<BatchRequest> c = copies(b.id());
        assertThat(c).hasSize(2);

        assertThat(storage().findPendingEscalation(o.get(0).id())).contains(c.get(0).id());
        assertThat(storage().findPendingEscalation(o.get(1).id())).contains(c.get(1).id());
        assertThat(storage().findPendingEscalation(c.get(0).id())).as("a copy has no copy").isEmpty();
        BatchRequest claimedCopy = claim(liveDaemon(), FAST, 2).stream()
                .filter(r -> r.data().escalatedFrom().equals(o.get(0).id())).findFirst().orElseThrow();
        assertThat(storage().findPendingEscalation(o.get(0).id())).contains(c.get(0).id());
        complete(start(claimedCopy));

        assertThat(storage().findPendingEscalation(o.get(0).id())).isEmpty();
        assertThat(storage().findPendingEscalation(RequestId.generate())).isEmpty();
        Batch other = newBatch(1, M2);
        assertThat(storage().findPendingEscalation(originals(other.id()).getFirst().id())).isEmpty();
    }

    @Test
    @Rule("BS-8.10")
    default void atRiskBatches() {
        Batch soon = newBatch("2h", 3, M);
        Batch later = newBatch("10h", 2, M2);
        Batch cancelled = newBatch("1h", 2, "model-c");
        storage().cancelBatch(cancelled.id());
        Batch done = newBatch("1h", 1, "model-d");
        completeAll(liveDaemon(), "model-d", 1);
        claim(liveDaemon(), M, 1);
        Set<RequestStateKind> pending = EnumSet.of(RequestStateKind.PENDING);

        assertThat(storage().getAtRiskBatches(Duration.ofHours(3), pending)).isEqualTo(Map.of(soon.id(), 2L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(11), pending))
                .isEqualTo(Map.of(soon.id(), 2L, later.id(), 2L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(3),
                EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED))).isEqualTo(Map.of(soon.id(), 3L));
        assertThat(storage().getAtRiskBatches(Duration.ofMinutes(30), pending)).isEmpty();
        assertThat(storage().getAtRiskBatches(Duration.ofHours(11), pending)).doesNotContainKeys(cancelled.id(), done.id());
        assertThat(storage().getMissedSlaBatches(pending)).isEmpty();
    }

    @Test
    @Rule("BS-8.11")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void missedSlaBatches() {
        Batch missed = newBatch("1h", 3, M);
        Batch running = newBatch("10h", 2, M);
        claim(liveDaemon(), 1, Map.of(M, 1));
        clock().advance(Duration.ofHours(2));
        Set<RequestStateKind> states = EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED);

        assertThat(storage().getMissedSlaBatches(states)).isEqualTo(Map.of(missed.id(), 3L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(24), states)).isEqualTo(Map.of(running.id(), 2L));
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(24), states, FAST, null)).isEqualTo(2);
        assertThat(copies(missed.id())).isEmpty();
        assertThat(copies(running.id())).hasSize(2);

        storage().finalizeBatches(10);
        assertThat(storage().getMissedSlaBatches(states)).isEmpty();
    }

    @Test
    @Rule("BS-8.12")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void expiryCancelsCopies() {
        Batch b = newBatch("1h", 3, M);
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(2), EnumSet.of(RequestStateKind.PENDING), FAST,
                null)).isEqualTo(3);
        List<BatchRequest> runningCopies = processing(liveDaemon(), FAST, 3);
        BatchRequest wonCopy = runningCopies.get(0);
        BatchRequest runningCopy = runningCopies.get(1);
        BatchRequest failedCopy = runningCopies.get(2);
        complete(wonCopy);
        fail(failedCopy);
        List<BatchRequest> o = originals(b.id());
        clock().advance(Duration.ofMinutes(61));

        assertThat(storage().finalizeBatches(10)).containsExactly(b.id());

        assertThat(kindOf(runningCopy.id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(kindOf(wonCopy.id())).as("a finished copy stays as it was").isEqualTo(RequestStateKind.COMPLETED);
        assertThat(kindOf(failedCopy.id())).as("a finished copy stays as it was").isEqualTo(RequestStateKind.FAILED);
        assertThat(kindOf(o.get(0).id())).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(List.of(o.get(1), o.get(2))).allSatisfy(r -> assertThat(stateOf(r.id()))
                .isInstanceOfSatisfying(RequestState.Failed.class,
                        f -> assertThat(f.reason()).isEqualTo(new FailureReason.BatchExpired())));
        assertThat(lineRequestIds(content(b.errorFileId()))).containsExactlyElementsOf(inIdOrder(List.of(o.get(1).id(),
                o.get(2).id())));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(wonCopy.id());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 1, 2, 0));
        assertThat(storage().findPendingEscalation(runningCopy.data().escalatedFrom())).isEmpty();
        assertThat(complete(runningCopy).applied()).as("a late result replaces canceled").isTrue();
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
    }

    @Test
    @Rule("BS-8.13")
    default void cancelOriginalCancelsCopy() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        assertThat(storage().cancelRequests(List.of(pair.get(0).id()))).containsExactly(new RequestOutcome.Done(pair.get(0).id()));

        assertThat(kindOf(pair.get(0).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(storage().findPendingEscalation(pair.get(0).id())).isEmpty();
        Batch done = batch(b.id());
        assertThat(done.status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 0, 0, 1));
    }

    @Test
    @Rule("BS-8.14")
    default void cancelCopyLeavesOriginal() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);

        assertThat(storage().cancelRequests(List.of(pair.get(1).id()))).containsExactly(new RequestOutcome.Done(pair.get(1).id()));

        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.CANCELED);
        assertThat(stateOf(pair.get(0).id())).isEqualTo(pair.get(0).state());
        assertThat(batch(b.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(complete(pair.get(0))).isEqualTo(new PersistResult.Applied(Optional.of(pair.get(1).id())));
        assertThat(kindOf(pair.get(1).id())).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
    }

    @Test
    @Rule("BS-8.15")
    default void lateCopyResultSupersedesCanceledOriginal() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = racingPair(b);
        storage().cancelRequests(List.of(pair.get(0).id()));

        assertThat(complete(pair.get(1), "{\"late\":\"copy\"}", now()))
                .isEqualTo(new PersistResult.Applied(Optional.of(pair.get(0).id())));

        assertThat(stateOf(pair.get(0).id())).isInstanceOfSatisfying(RequestState.Superseded.class,
                s -> assertThat(s.supersededBy()).isEqualTo(pair.get(1).id()));
        assertThat(fail(pair.get(0))).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        assertThat(complete(pair.get(0))).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        Batch done = batch(b.id());
        assertThat(done.counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(pair.get(1).id());
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(results(b.id(), 0, null, null)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(row.responseBody()).isEqualTo("{\"late\":\"copy\"}");
        });
    }

    @Test
    @Rule("BS-8.16")
    default void lateOriginalFailureAfterCopyWon() {
        Batch b = newBatch(2, M);
        List<BatchRequest> pair = racingPair(b);
        BatchRequest other = processing(liveDaemon(), M, 1).getFirst();
        storage().cancelRequests(List.of(pair.get(0).id()));
        complete(pair.get(1));

        PersistResult late = fail(pair.get(0), new FailureReason.RetriableHttpStatus(500, "late"), now());

        assertThat(late).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        assertThat(complete(other).applied()).isTrue();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 0, 0, 2, 0, 0));
        assertThat(content(b.outputFileId())).hasSize(2);
        assertThat(content(b.errorFileId())).isEmpty();
    }

    @Test
    @Rule("BS-8.17")
    default void canceledCopysLateResultAfterOriginalCompleted() {
        // a copy canceled while it raced: the original's completion supersedes it, its late result is dropped
        Batch raced = newBatch(1, M);
        List<BatchRequest> pair = racingPair(raced);
        BatchRequest original = pair.get(0);
        BatchRequest copy = pair.get(1);
        assertThat(storage().cancelRequests(List.of(copy.id()))).containsExactly(new RequestOutcome.Done(copy.id()));
        assertThat(complete(original, "{\"winner\":\"original\"}", now()))
                .isEqualTo(new PersistResult.Applied(Optional.of(copy.id())));

        assertThat(complete(copy, "{\"late\":\"copy\"}", now())).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));
        assertThat(fail(copy)).isEqualTo(new PersistResult.Dropped(RequestStateKind.SUPERSEDED));

        assertThat(kindOf(copy.id())).isEqualTo(RequestStateKind.SUPERSEDED);
        assertThat(batch(raced.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(raced.outputFileId()))).containsExactly(original.id());
        assertThat(results(raced.id(), 0, null, null)).singleElement()
                .satisfies(row -> assertThat(row.responseBody()).isEqualTo("{\"winner\":\"original\"}"));

        // a copy made after its original had completed (escalating completed requests), canceled: the guard alone
        // would let a late result replace canceled, but the template already has its result
        Batch late = newBatch(2, M2);
        BatchRequest done = processing(liveDaemon(), M2, 1).getFirst();
        assertThat(complete(done, "{\"first\":true}", now())).isEqualTo(PersistResult.Applied.plain());
        assertThat(storage().createEscalatedRequests(M2, Duration.ofHours(25), EnumSet.of(RequestStateKind.COMPLETED), FAST,
                null)).isEqualTo(1);
        BatchRequest lateCopy = processing(liveDaemon(), FAST, 1).getFirst();
        assertThat(lateCopy.data().escalatedFrom()).isEqualTo(done.id());
        assertThat(storage().cancelRequests(List.of(lateCopy.id()))).containsExactly(new RequestOutcome.Done(lateCopy.id()));
        RequestState canceled = stateOf(lateCopy.id());

        assertThat(complete(lateCopy, "{\"second\":true}", now())).isEqualTo(new PersistResult.Dropped(RequestStateKind.CANCELED));
        assertThat(fail(lateCopy)).isEqualTo(new PersistResult.Dropped(RequestStateKind.CANCELED));

        assertThat(stateOf(lateCopy.id())).isEqualTo(canceled);
        assertThat(kindOf(done.id())).isEqualTo(RequestStateKind.COMPLETED);
        assertThat(batch(late.id()).counts()).isEqualTo(counts(2, 1, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(late.outputFileId()))).containsExactly(done.id());
        assertThat(content(late.errorFileId())).isEmpty();
        assertThat(results(late.id(), 0, null, null).getFirst().responseBody()).isEqualTo("{\"first\":true}");
        completeAll(liveDaemon(), M2, 1);
        assertThat(batch(late.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(late.id()).counts()).isEqualTo(counts(2, 0, 0, 2, 0, 0));
    }

    @Test
    @Rule("BS-8.18")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void slaReportsOnlyRunningBatchesWithMatches() {
        DaemonId d = liveDaemon();
        Batch missed = newBatch("1h", 2, M);
        Batch missedCancelled = newBatch("1h", 2, M2);
        storage().cancelBatch(missedCancelled.id());
        Batch missedFailed = newBatch("1h", 1, "model-c");
        storage().markBatchFailed(missedFailed.id(), "failed on purpose");
        Batch missedAllClaimed = newBatch("1h", 1, "model-d");
        claim(d, "model-d", 1);
        storage().createBatchRecord(input(upload(1, "model-e"), "1h"));
        Batch atRisk = newBatch("3h", 2, M);
        Batch atRiskCancelled = newBatch("3h", 1, "model-f");
        storage().cancelBatch(atRiskCancelled.id());
        Batch atRiskAllClaimed = newBatch("3h", 1, "model-g");
        claim(d, "model-g", 1);
        clock().advance(Duration.ofMinutes(90));
        Set<RequestStateKind> pending = EnumSet.of(RequestStateKind.PENDING);
        Set<RequestStateKind> pendingOrClaimed = EnumSet.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED);

        assertThat(storage().getMissedSlaBatches(pending)).isEqualTo(Map.of(missed.id(), 2L));
        assertThat(storage().getMissedSlaBatches(pendingOrClaimed))
                .isEqualTo(Map.of(missed.id(), 2L, missedAllClaimed.id(), 1L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(2), pending)).isEqualTo(Map.of(atRisk.id(), 2L));
        assertThat(storage().getAtRiskBatches(Duration.ofHours(2), pendingOrClaimed))
                .isEqualTo(Map.of(atRisk.id(), 2L, atRiskAllClaimed.id(), 1L));
        assertThat(storage().getMissedSlaBatches(EnumSet.of(RequestStateKind.COMPLETED))).isEmpty();
    }

    @Test
    @Rule("BS-8.19")
    default void copiesInFlightHoldTheBatch() {
        // the original has failed; its copy is claimed, then processing: the batch waits for the copy
        Batch waiting = newBatch(1, M);
        assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST,
                null)).isEqualTo(1);
        BatchRequest copy = claim(liveDaemon(), FAST, 1).getFirst();
        fail(processing(liveDaemon(), M, 1).getFirst());
        assertThat(batch(waiting.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        BatchRequest started = start(copy);
        assertThat(batch(waiting.id()).status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(storage().finalizeBatches(10)).isEmpty();
        complete(started);
        assertThat(batch(waiting.id()).status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch(waiting.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));

        // a cancelling batch whose only call in flight is a copy's stays cancelling until that call lands
        Batch cancelling = newBatch(1, M2);
        assertThat(storage().createEscalatedRequests(M2, Duration.ofHours(25), EnumSet.of(RequestStateKind.PENDING), FAST,
                null)).isEqualTo(1);
        BatchRequest cancelledCopy = claim(liveDaemon(), FAST, 1).getFirst();
        assertThat(storage().cancelBatch(cancelling.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        BatchRequest aborted = start(cancelledCopy);
        assertThat(batch(cancelling.id()).status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(storage().finalizeBatches(10)).isEmpty();
        assertThat(cancelInFlight(aborted).applied()).isTrue();
        Batch cancelled = batch(cancelling.id());
        assertThat(cancelled.status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(cancelled.counts()).isEqualTo(counts(1, 0, 0, 0, 0, 1));
    }
}
