package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code BS-6.x}, persist, the persist guard and fencing of claim holders' writes.
 *
 * <p>Section 6 of {@code rules.tsv}; part of {@link BatchStorageContract}.
 */
public interface PersistSection extends BatchFixture {

    /** The next states a guard test writes, in the column order of {@link #guardRow}. */
    private static List<RequestStateKind> nextStates() {
        return List.of(RequestStateKind.PENDING, RequestStateKind.CLAIMED, RequestStateKind.PROCESSING,
                RequestStateKind.COMPLETED, RequestStateKind.FAILED, RequestStateKind.CANCELED, RequestStateKind.SUPERSEDED);
    }

    /**
     * The persist guard written out, one row per current state: for each next state of {@link #nextStates}
     * (pending, claimed, processing, completed, failed, canceled, superseded), {@code A} when the write applies
     * and {@code D} when it is {@code Dropped(current)}. Stated here, not asked of core's PersistGuard, so that
     * a wrong guard in core fails this contract too.
     */
    private static String guardRow(RequestStateKind current) {
        // next state, in columns: pending, claimed, processing, completed, failed, canceled, superseded
        return switch (current) {
            case PENDING ->    "A A A A A A A";   // a live request takes any write
            case CLAIMED ->    "A A A A A A A";
            case PROCESSING -> "A A A A A A A";
            case COMPLETED ->  "D D D D D D D";   // the first terminal result wins
            case FAILED ->     "D D D D D D A";   // only its twin's win supersedes it
            case CANCELED ->   "D D D A A D D";   // a late result replaces canceled
            case SUPERSEDED -> "D D D D D D D";
        };
    }

    /** Seven requests of one fresh batch, each driven into {@code current} through real operations, in line order. */
    private List<BatchRequest> driveInto(RequestStateKind current, DaemonId d) {
        int n = nextStates().size();
        Batch b = newBatch(n, M);
        return switch (current) {
            case PENDING -> originals(b.id());
            case CLAIMED -> claim(d, M, n);
            case PROCESSING -> processing(d, M, n);
            case COMPLETED -> {
                processing(d, M, n).forEach(this::complete);
                yield originals(b.id());
            }
            case FAILED -> {
                processing(d, M, n).forEach(this::fail);
                yield originals(b.id());
            }
            case CANCELED -> {
                storage().cancelRequests(ids(originals(b.id())));
                yield originals(b.id());
            }
            case SUPERSEDED -> {
                assertThat(storage().createEscalatedRequests(M, Duration.ofHours(25), EnumSet.of(
                        RequestStateKind.PENDING), FAST, null)).isEqualTo(n);
                processing(d, FAST, n).forEach(this::complete);
                yield originals(b.id());
            }
        };
    }

    /** A state of the given kind, as a daemon or the API would write it. */
    private RequestState stateOfKind(RequestStateKind kind, DaemonId d, RequestId witness) {
        Instant t = now();
        return switch (kind) {
            case PENDING -> new RequestState.Pending(1, t.plusSeconds(60));
            case CLAIMED -> new RequestState.Claimed(d, t, 0);
            case PROCESSING -> new RequestState.Processing(d, t, t, 0);
            case COMPLETED -> new RequestState.Completed(200, "{\"guard\":\"late ✓\"}", t, t, t, M);
            case FAILED -> new RequestState.Failed(new FailureReason.NonRetriableHttpStatus(500, "late"), t, 0, M);
            case CANCELED -> new RequestState.Canceled(t);
            case SUPERSEDED -> new RequestState.Superseded(t, witness);
        };
    }

    /**
     * For a request in {@code current}, persists each of the seven states and checks the outcome against the
     * literal {@link #guardRow}: applied (and stored exactly) or Dropped(current) with nothing changed.
     */
    private void guardMatrix(RequestStateKind current) {
        DaemonId d = liveDaemon();
        RequestId witness = originals(newBatch(1, M2).id()).getFirst().id();
        List<BatchRequest> subjects = driveInto(current, d);
        List<RequestStateKind> targets = nextStates();
        String[] expected = guardRow(current).split(" ");
        assertThat(expected).hasSize(targets.size());
        assertThat(subjects).hasSize(targets.size()).allMatch(r -> r.state().kind() == current);
        for (int i = 0; i < targets.size(); i++) {
            BatchRequest subject = subjects.get(i);
            RequestState before = stateOf(subject.id());
            RequestState next = stateOfKind(targets.get(i), d, witness);

            PersistResult result = storage().persist(subject.withState(next));

            if (expected[i].equals("A")) {
                assertThat(result).as("%s -> %s", current, targets.get(i)).isEqualTo(PersistResult.Applied.plain());
                assertThat(stateOf(subject.id())).as("%s -> %s stored", current, targets.get(i)).isEqualTo(next);
            } else {
                assertThat(expected[i]).isEqualTo("D");
                assertThat(result).as("%s -> %s", current, targets.get(i)).isEqualTo(new PersistResult.Dropped(current));
                assertThat(stateOf(subject.id())).as("%s -> %s unchanged", current, targets.get(i)).isEqualTo(before);
            }
        }
    }

    @Test
    @Rule("BS-6.1")
    default void guardFromPending() {
        guardMatrix(RequestStateKind.PENDING);
    }

    @Test
    @Rule("BS-6.2")
    default void guardFromClaimed() {
        guardMatrix(RequestStateKind.CLAIMED);
    }

    @Test
    @Rule("BS-6.3")
    default void guardFromProcessing() {
        guardMatrix(RequestStateKind.PROCESSING);
    }

    @Test
    @Rule("BS-6.4")
    default void guardFromCompleted() {
        guardMatrix(RequestStateKind.COMPLETED);
    }

    @Test
    @Rule("BS-6.5")
    default void guardFromFailed() {
        guardMatrix(RequestStateKind.FAILED);
    }

    @Test
    @Rule("BS-6.6")
    default void guardFromCanceled() {
        guardMatrix(RequestStateKind.CANCELED);
    }

    @Test
    @Rule("BS-6.7")
    default void guardFromSuperseded() {
        guardMatrix(RequestStateKind.SUPERSEDED);
    }

    @Test
    @Rule("BS-6.8")
    default void persistUnknown() {
        Batch b = newBatch(1, M);
        BatchRequest real = originals(b.id()).getFirst();
        RequestData ghost = new RequestData(RequestId.generate(), b.id(), real.data().templateId(), 0, "ghost", UPSTREAM,
                "POST", PATH, "{}", M, "", "", b.expiresAt(), null, Map.of());

        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class,
                () -> storage().persist(new BatchRequest(ghost, new RequestState.Canceled(now()))));
        assertThat(nf.entity()).isEqualTo(Entity.REQUEST);
        assertThat(nf.id()).isEqualTo(ghost.id().toString());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 1, 0, 0, 0, 0));
    }

    @Test
    @Rule("BS-6.9")
    default void rescheduleIsFenced() {
        Batch b = newBatch(4, M);
        DaemonId owner = liveDaemon();
        DaemonId intruder = liveDaemon();
        List<BatchRequest> claimed = claim(owner, M, 4);
        BatchRequest p0 = start(claimed.get(0));
        BatchRequest p1 = start(claimed.get(1));
        BatchRequest done = start(claimed.get(2));
        complete(done);
        BatchRequest onlyClaimed = claimed.get(3);
        RequestState.Pending next = new RequestState.Pending(1, now().plusSeconds(5));

        assertThat(storage().rescheduleForRetry(p1.id(), new ClaimToken(intruder, claimedAt(p1)), next)).isFalse();
        assertThat(stateOf(p1.id())).isEqualTo(p1.state());
        assertThat(reschedule(onlyClaimed, next)).isFalse();
        assertThat(stateOf(onlyClaimed.id())).isEqualTo(onlyClaimed.state());
        assertThat(reschedule(done, next)).isFalse();
        assertThat(kindOf(done.id())).isEqualTo(RequestStateKind.COMPLETED);

        assertThat(reschedule(p0, next)).isTrue();
        assertThat(stateOf(p0.id())).isEqualTo(next);
        assertThat(reschedule(p0, new RequestState.Pending(2, null))).isFalse();
        assertThat(stateOf(p0.id())).isEqualTo(next);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(4, 1, 2, 1, 0, 0));
    }

    @Test
    @Rule("BS-6.10")
    default void failureReasonsRoundTrip() {
        List<FailureReason> reasons = List.of(
                new FailureReason.RetriableHttpStatus(503, "{\"error\":\"überlastet\"}"),
                new FailureReason.NonRetriableHttpStatus(400, "{\"error\":{\"message\":\"bad \\\"input\\\"\"}}"),
                new FailureReason.NetworkError("connection reset by peer"),
                new FailureReason.Timeout("no response within 600s"),
                new FailureReason.TaskTerminated(),
                new FailureReason.RequestBuilderError("invalid header value: 'x\ny'"),
                new FailureReason.BatchExpired());
        Batch b = newBatch(reasons.size(), M);
        List<BatchRequest> running = processing(liveDaemon(), M, reasons.size());
        Instant t = now();
        for (int i = 0; i < reasons.size(); i++) {
            RequestState.Processing p = (RequestState.Processing) running.get(i).state();
            RequestState.Failed failed = new RequestState.Failed(reasons.get(i), t.plusSeconds(i), i, "routed-" + i);
            assertThat(storage().persist(running.get(i).withState(failed)).applied()).isTrue();
            assertThat(stateOf(running.get(i).id())).isEqualTo(failed);
            assertThat(p.retryAttempt()).isZero();
        }
        assertThat(content(b.errorFileId())).extracting(e -> ((FileContentItem.ErrorLine) e).reason())
                .containsExactlyElementsOf(reasons);
        assertThat(results(b.id(), 0, null, null)).extracting(BatchResultItem::error).containsExactlyElementsOf(reasons);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(reasons.size(), 0, 0, 0, reasons.size(), 0));
    }

    @Test
    @Rule("BS-6.11")
    default void statesRoundTrip() {
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest claimed = claim(d, M, 1).getFirst();
        Instant claimedAt = ((RequestState.Claimed) claimed.state()).claimedAt();
        RequestState.Processing processingState = new RequestState.Processing(d, claimedAt, now().plusMillis(1500), 0);
        storage().persist(claimed.withState(processingState));
        assertThat(stateOf(claimed.id())).isEqualTo(processingState);

        RequestState.Completed completed = processingState.complete(207, "{\"multi\":[\"ä\",\"✓\",\"🚀\"],\"n\":1.50}",
                "routed-model-x", now().plusSeconds(7).plusNanos(123_000));
        PersistResult result = storage().persist(claimed.withState(completed));

        assertThat(result).isEqualTo(PersistResult.Applied.plain());
        RequestState stored = stateOf(claimed.id());
        assertThat(stored).isEqualTo(completed);
        RequestState.Completed c = (RequestState.Completed) stored;
        assertThat(c.claimedAt()).isEqualTo(claimedAt);
        assertThat(c.startedAt()).isEqualTo(processingState.startedAt());
        assertThat(c.routedModel()).isEqualTo("routed-model-x");
        assertThat(c.responseStatus()).isEqualTo(207);
    }

    @Test
    @Rule("BS-6.12")
    default void releaseReturnsToPending() {
        Batch b = newBatch(2, M);
        DaemonId d = liveDaemon();
        List<BatchRequest> claimed = claim(d, M, 2);
        BatchRequest started = start(claimed.get(1));
        reschedule(started, new RequestState.Pending(3, null));
        BatchRequest again = claim(d, M, 1).getFirst();
        BatchRequest restarted = start(again);

        assertThat(storage().persist(claimed.get(0).withState(((RequestState.Claimed) claimed.get(0).state()).release()))
                .applied()).isTrue();
        assertThat(storage().persist(restarted.withState(((RequestState.Processing) restarted.state()).release()))
                .applied()).isTrue();

        assertThat(stateOf(claimed.get(0).id())).isEqualTo(new RequestState.Pending(0, null));
        assertThat(stateOf(restarted.id())).isEqualTo(new RequestState.Pending(3, null));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 2, 0, 0, 0, 0));
        assertThat(claim(d, M, 2)).hasSize(2);
    }

    // ---------------------------------------------------------------- 6b. fencing: every write of a claim holder

    /**
     * A zombie: {@code first} claimed (and maybe started) the request, fell silent past the stale
     * threshold, the sweep returned the request, and {@code heir} claimed it again. Returns the zombie's
     * handle (as it last wrote it) and the heir's.
     */
    private List<BatchRequest> zombieAndHeir(boolean zombieStarted, boolean heirStarted) {
        DaemonId first = liveDaemon();
        BatchRequest zombie = claim(first, M, 1).getFirst();
        if (zombieStarted) {
            zombie = start(zombie);
        }
        markDead(first);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(1);
        BatchRequest heir = claim(liveDaemon(), M, 1).getFirst();
        assertThat(heir.id()).isEqualTo(zombie.id());
        if (heirStarted) {
            heir = start(heir);
        }
        return List.of(zombie, heir);
    }

    @Test
    @Rule("BS-6.13")
    default void zombieWritesFenced() {
        Batch b = newBatch(1, M);
        List<BatchRequest> pair = zombieAndHeir(true, true);
        BatchRequest zombie = pair.get(0);
        BatchRequest heir = pair.get(1);
        RequestState.Processing z = (RequestState.Processing) zombie.state();
        PersistResult fenced = new PersistResult.Fenced(RequestStateKind.PROCESSING);

        assertThat(complete(zombie)).isEqualTo(fenced);
        assertThat(fail(zombie)).isEqualTo(fenced);
        assertThat(cancelInFlight(zombie)).isEqualTo(fenced);
        assertThat(storage().persist(zombie.withState(z.release()), holder(zombie))).isEqualTo(fenced);
        assertThat(storage().persist(zombie.withState(new RequestState.Processing(z.daemonId(), z.claimedAt(), now(), 0)),
                holder(zombie))).isEqualTo(fenced);
        assertThat(reschedule(zombie, new RequestState.Pending(1, null))).isFalse();

        assertThat(stateOf(heir.id())).isEqualTo(heir.state());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 1, 0, 0, 0));
        assertThat(content(b.outputFileId())).isEmpty();
        assertThat(content(b.errorFileId())).isEmpty();
        assertThat(complete(heir)).isEqualTo(PersistResult.Applied.plain());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 0, 1, 0, 0));
        assertThat(lineRequestIds(content(b.outputFileId()))).containsExactly(heir.id());
    }

    @Test
    @Rule("BS-6.14")
    default void lostClaimWritesFenced() {
        Batch b = newBatch(2, M);
        DaemonId first = liveDaemon();
        List<BatchRequest> claimed = claim(first, M, 2);
        BatchRequest started = start(claimed.get(0));
        BatchRequest onlyClaimed = claimed.get(1);
        markDead(first);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(2);
        RequestState.Claimed c = (RequestState.Claimed) onlyClaimed.state();

        assertThat(complete(started)).isEqualTo(new PersistResult.Fenced(RequestStateKind.PENDING));
        assertThat(storage().persist(onlyClaimed.withState(c.release()), holder(onlyClaimed)))
                .isEqualTo(new PersistResult.Fenced(RequestStateKind.PENDING));
        assertThat(originals(b.id())).allMatch(r -> r.state().equals(RequestState.Pending.fresh()));

        BatchRequest heirClaim = claim(liveDaemon(), M, 2).stream().filter(r -> r.id().equals(onlyClaimed.id()))
                .findFirst().orElseThrow();
        assertThat(storage().persist(onlyClaimed.withState(c.start(now())), holder(onlyClaimed)))
                .isEqualTo(new PersistResult.Fenced(RequestStateKind.CLAIMED));
        assertThat(stateOf(onlyClaimed.id())).isEqualTo(heirClaim.state());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(2, 0, 2, 0, 0, 0));
    }

    @Test
    @Rule("BS-6.15")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    default void sameDaemonNewClaimFencesOld() {
        newBatch(1, M);
        DaemonId d = liveDaemon();
        BatchRequest oldClaim = start(claim(d, M, 1).getFirst());
        clock().advance(Duration.ofSeconds(3));
        assertThat(reschedule(oldClaim, new RequestState.Pending(1, null))).isTrue();
        BatchRequest newClaim = claim(d, M, 1).getFirst();
        assertThat(claimedAt(newClaim)).isEqualTo(claimedAt(oldClaim).plusSeconds(3));

        assertThat(complete(oldClaim)).isEqualTo(new PersistResult.Fenced(RequestStateKind.CLAIMED));
        assertThat(reschedule(oldClaim, new RequestState.Pending(2, null))).isFalse();
        assertThat(stateOf(newClaim.id())).isEqualTo(newClaim.state());

        BatchRequest running = start(newClaim);
        assertThat(complete(oldClaim)).isEqualTo(new PersistResult.Fenced(RequestStateKind.PROCESSING));
        assertThat(complete(running)).isEqualTo(PersistResult.Applied.plain());
    }

    @Test
    @Rule("BS-6.16")
    default void holderOntoTerminal() {
        Batch b = newBatch(3, M);
        List<BatchRequest> running = processing(liveDaemon(), M, 3);
        storage().cancelRequests(List.of(running.get(0).id(), running.get(1).id()));

        assertThat(complete(running.get(0))).isEqualTo(PersistResult.Applied.plain());
        assertThat(cancelInFlight(running.get(1))).isEqualTo(new PersistResult.Dropped(RequestStateKind.CANCELED));
        assertThat(complete(running.get(2))).isEqualTo(PersistResult.Applied.plain());
        assertThat(fail(running.get(2))).isEqualTo(new PersistResult.Dropped(RequestStateKind.COMPLETED));
        assertThat(reschedule(running.get(2), new RequestState.Pending(1, null))).isFalse();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 0, 0, 2, 0, 1));
    }

    @Test
    @Rule("BS-6.17")
    default void rescheduleUnknownRequest() {
        Batch b = newBatch(1, M);
        BatchRequest running = processing(liveDaemon(), M, 1).getFirst();
        RequestId unknown = RequestId.generate();

        assertThat(storage().rescheduleForRetry(unknown, ClaimToken.held(running.state()), new RequestState.Pending(1, null)))
                .isFalse();

        assertThat(storage().getRequests(List.of(unknown))).containsExactly(new RequestLookup.Missing(unknown));
        assertThat(stateOf(running.id())).isEqualTo(running.state());
        assertThat(batch(b.id()).counts()).isEqualTo(counts(1, 0, 1, 0, 0, 0));
    }
}
