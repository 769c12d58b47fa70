package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.conformance.StoreContract;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException.Entity;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link dev.salvo.core.daemon.DaemonStorage} adapter must pass: the daemon registry, the
 * stale-claim recovery that reads it, and the purge of dead daemons. Subclass it exactly like {@link BatchStorageContract}
 * (the same hooks over the same {@link BatchStores}). Rules {@code DS-…}, listed in
 * {@code dev/salvo/conformance/batch/rules.tsv} after the {@code BS-…} rules.
 */
public abstract class DaemonStorageContract extends StoreContract<BatchStores> implements BatchFixture {

    // ================================================================ 1. daemon records

    @Test
    @Rule("DS-1.1")
    void lifecycleRoundTrips() {
        DaemonId id = DaemonId.generate();
        Instant started = Instant.parse("2026-02-27T08:00:00.123456Z");
        DaemonRecord initializing = new DaemonRecord(daemonData(id), new DaemonState.Initializing(started));
        daemons().persistDaemon(initializing);
        assertThat(daemons().getDaemon(id)).isEqualTo(initializing);

        DaemonState.Running running = ((DaemonState.Initializing) initializing.state()).start(started.plusSeconds(2));
        daemons().persistDaemon(initializing.withState(running));
        assertThat(daemons().getDaemon(id)).isEqualTo(initializing.withState(running));

        DaemonState.Running beat = running.heartbeat(new DaemonStats(120, 3, 7), started.plusSeconds(32));
        daemons().persistDaemon(initializing.withState(beat));
        DaemonRecord got = daemons().getDaemon(id);
        assertThat(got.state()).isEqualTo(beat);
        assertThat(((DaemonState.Running) got.state()).stats()).isEqualTo(new DaemonStats(120, 3, 7));

        DaemonState.Dead dead = beat.shutdown(started.plusSeconds(60));
        daemons().persistDaemon(initializing.withState(dead));
        assertThat(daemons().getDaemon(id)).isEqualTo(initializing.withState(dead));
        assertThat(daemons().listDaemons(Optional.empty())).extracting(DaemonRecord::id).containsExactly(id);
    }

    @Test
    @Rule("DS-1.2")
    void unknownDaemon() {
        DaemonId unknown = DaemonId.generate();
        BatchStorageException.NotFound nf = thrown(BatchStorageException.NotFound.class, () -> daemons().getDaemon(unknown));
        assertThat(nf.entity()).isEqualTo(Entity.DAEMON);
        assertThat(nf.id()).isEqualTo(unknown.toString());
    }

    @Test
    @Rule("DS-1.3")
    void listDaemonsOrderAndFilter() {
        Instant t = Instant.parse("2026-02-28T12:00:00Z");
        DaemonRecord dead = record(t.minus(Duration.ofHours(4)), s -> new DaemonState.Dead(s, s.plusSeconds(60), DaemonStats.ZERO));
        DaemonRecord oldRunning = record(t.minus(Duration.ofHours(3)), s -> new DaemonState.Running(s, t, DaemonStats.ZERO));
        DaemonRecord initializing = record(t.minus(Duration.ofHours(2)), DaemonState.Initializing::new);
        DaemonRecord newRunning = record(t.minus(Duration.ofHours(1)), s -> new DaemonState.Running(s, t, new DaemonStats(5, 1, 2)));
        for (DaemonRecord r : List.of(initializing, dead, newRunning, oldRunning)) {
            daemons().persistDaemon(r);
        }

        assertThat(daemons().listDaemons(Optional.empty())).containsExactly(newRunning, initializing, oldRunning, dead);
        assertThat(daemons().listDaemons(Optional.of(DaemonStatus.RUNNING))).containsExactly(newRunning, oldRunning);
        assertThat(daemons().listDaemons(Optional.of(DaemonStatus.INITIALIZING))).containsExactly(initializing);
        assertThat(daemons().listDaemons(Optional.of(DaemonStatus.DEAD))).containsExactly(dead);
    }

    private DaemonRecord record(Instant startedAt, Function<Instant, DaemonState> state) {
        return new DaemonRecord(daemonData(DaemonId.generate()), state.apply(startedAt));
    }

    @Test
    @Rule("DS-1.4")
    void upsertKeepsOneRecord() {
        DaemonId a = liveDaemon();
        DaemonId b = liveDaemon();
        for (int i = 0; i < 5; i++) {
            daemons().persistDaemon(new DaemonRecord(new DaemonData(a, "host-a", 100 + i, "v" + i, "{\"i\":" + i + "}"),
                    new DaemonState.Running(now(), now().plusSeconds(i), new DaemonStats(i, 0, i))));
        }

        assertThat(daemons().listDaemons(Optional.empty())).extracting(DaemonRecord::id).containsExactlyInAnyOrder(a, b);
        DaemonRecord got = daemons().getDaemon(a);
        assertThat(got.data()).isEqualTo(new DaemonData(a, "host-a", 104, "v4", "{\"i\":4}"));
        assertThat(got.state()).isEqualTo(new DaemonState.Running(now(), now().plusSeconds(4), new DaemonStats(4, 0, 4)));
        assertThat(daemons().getDaemon(b).state()).isInstanceOf(DaemonState.Running.class);
        assertThat(daemons().getDaemon(b).data()).isEqualTo(daemonData(b));
    }

    // ================================================================ 2. purging dead daemons

    @Test
    @Rule("DS-2.1")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void purgeDeadDaemons() {
        DaemonId longDead = liveDaemon();
        markDead(longDead);
        DaemonId silent = liveDaemon();
        clock().advance(Duration.ofMinutes(90));
        DaemonId recentlyDead = liveDaemon();
        markDead(recentlyDead);
        DaemonId starting = DaemonId.generate();
        daemons().persistDaemon(new DaemonRecord(daemonData(starting), new DaemonState.Initializing(now())));
        clock().advance(Duration.ofMinutes(30));

        assertThat(daemons().purgeDeadDaemons(Duration.ofHours(1))).isEqualTo(1);

        thrown(BatchStorageException.NotFound.class, () -> daemons().getDaemon(longDead));
        assertThat(daemons().listDaemons(Optional.empty())).extracting(DaemonRecord::id)
                .containsExactlyInAnyOrder(silent, recentlyDead, starting);
        assertThat(daemons().purgeDeadDaemons(Duration.ofHours(1))).isZero();
        assertThat(daemons().purgeDeadDaemons(Duration.ofMinutes(10))).isEqualTo(1);
        assertThat(daemons().listDaemons(Optional.empty())).extracting(DaemonRecord::id)
                .containsExactlyInAnyOrder(silent, starting);
    }

    // ================================================================ 3. stale-claim recovery

    @Test
    @Rule("DS-3.1")
    void deadDaemonsClaimsReturn() {
        Batch b = newBatch(5, M);
        DaemonId doomed = liveDaemon();
        BatchRequest first = processing(doomed, M, 1).getFirst();
        assertThat(reschedule(first, new RequestState.Pending(2, null))).isTrue();
        List<BatchRequest> claimed = claim(doomed, M, 5);
        assertThat(claimed).hasSize(5);
        BatchRequest done = start(claimed.get(4));
        complete(done);
        startAll(claimed.subList(0, 2));
        markDead(doomed);

        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(5), 100)).isEqualTo(4);

        for (BatchRequest r : claimed.subList(0, 4)) {
            int attempt = r.id().equals(first.id()) ? 2 : 0;
            assertThat(stateOf(r.id())).isEqualTo(new RequestState.Pending(attempt, null));
        }
        assertThat(kindOf(done.id())).isEqualTo(RequestStateKind.COMPLETED);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(5, 4, 0, 1, 0, 0));
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(5), 100)).isZero();
        DaemonId heir = liveDaemon();
        List<BatchRequest> again = claim(heir, M, 10);
        assertThat(again).hasSize(4);
        assertThat(again.stream().filter(r -> r.id().equals(first.id())).findFirst().orElseThrow().state())
                .isInstanceOfSatisfying(RequestState.Claimed.class, s -> assertThat(s.retryAttempt()).isEqualTo(2));
        BatchRequest stolen = start(again.getFirst());
        assertThat(storage().rescheduleForRetry(stolen.id(), ClaimToken.held(claimed.stream()
                .filter(c -> c.id().equals(stolen.id())).findFirst().orElseThrow().state()), new RequestState.Pending(1, null))).isFalse();
    }

    @Test
    @Rule("DS-3.2")
    void unknownDaemonsClaimsReturn() {
        Batch b = newBatch(3, M);
        DaemonId ghost = DaemonId.generate();
        List<BatchRequest> claimed = claim(ghost, M, 3);
        start(claimed.get(0));

        assertThat(storage().reclaimStaleRequests(Duration.ofHours(1), 100)).isEqualTo(3);

        assertThat(originals(b.id())).allMatch(r -> r.state().equals(RequestState.Pending.fresh()));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
    }

    @Test
    @Rule("DS-3.3")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void silentDaemonsClaimsReturn() {
        newBatch(4, M);
        DaemonId silent = liveDaemon();
        DaemonId chatty = liveDaemon();
        List<BatchRequest> silentOnes = processing(silent, M, 2);
        List<BatchRequest> chattyOnes = processing(chatty, M, 2);
        clock().advance(Duration.ofSeconds(50));
        heartbeat(chatty);
        clock().advance(Duration.ofSeconds(20));

        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).isEqualTo(2);

        assertThat(silentOnes).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(RequestState.Pending.fresh()));
        assertThat(chattyOnes).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(r.state()));
    }

    @Test
    @Rule("DS-3.4")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void liveDaemonNeverRobbed() {
        newBatch("24h", 2, M);
        DaemonId busy = liveDaemon();
        BatchRequest longRunning = processing(busy, M, 1).getFirst();
        BatchRequest merelyClaimed = claim(busy, M, 1).getFirst();

        for (int step = 0; step < 90; step++) {
            clock().advance(Duration.ofSeconds(40));
            heartbeat(busy);
            assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).as("step %d", step).isZero();
        }

        assertThat(stateOf(longRunning.id())).isEqualTo(longRunning.state());
        assertThat(stateOf(merelyClaimed.id())).isEqualTo(merelyClaimed.state());
        assertThat(reschedule(longRunning, new RequestState.Pending(1, null))).isTrue();
    }

    @Test
    @Rule("DS-3.5")
    void reclaimLimit() {
        Batch b = newBatch(5, M);
        DaemonId doomed = liveDaemon();
        claim(doomed, M, 5);
        markDead(doomed);

        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 2)).isEqualTo(2);
        assertThat(batch(b.id()).counts()).isEqualTo(counts(5, 2, 3, 0, 0, 0));
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isEqualTo(3);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 10)).isZero();
        assertThat(batch(b.id()).counts()).isEqualTo(counts(5, 5, 0, 0, 0, 0));
    }

    @Test
    @Rule("DS-3.6")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void initializingDaemonKeepsItsClaimsWithinTheThreshold() {
        Batch b = newBatch(3, M);
        DaemonId starting = DaemonId.generate();
        daemons().persistDaemon(new DaemonRecord(daemonData(starting), new DaemonState.Initializing(now())));
        List<BatchRequest> held = claim(starting, M, 2);
        clock().advance(Duration.ofSeconds(50));

        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).isZero();
        assertThat(held).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(r.state()));

        clock().advance(Duration.ofSeconds(20));
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(1), 100)).isEqualTo(2);
        assertThat(held).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(RequestState.Pending.fresh()));
        assertThat(batch(b.id()).counts()).isEqualTo(counts(3, 3, 0, 0, 0, 0));
    }

    // ================================================================ 5. durability

    @Test
    @Rule("DS-5.1")
    @Requires(Capability.DURABLE)
    void daemonsSurviveReopen() {
        newBatch(2, M);
        DaemonId live = liveDaemon();
        DaemonId dead = liveDaemon();
        claim(live, M, 1);
        claim(dead, M, 1);
        markDead(dead);
        List<DaemonRecord> before = daemons().listDaemons(Optional.empty());

        reopenStore();

        assertThat(daemons().listDaemons(Optional.empty())).isEqualTo(before);
        assertThat(daemons().getDaemon(live)).isEqualTo(before.stream().filter(r -> r.id().equals(live)).findFirst().orElseThrow());
        assertThat(daemons().getDaemon(dead).state()).isInstanceOf(DaemonState.Dead.class);
        assertThat(storage().reclaimStaleRequests(Duration.ofDays(365), 10)).isEqualTo(1);
    }

    // ================================================================ 6. several instances

    @Test
    @Rule("DS-6.1")
    @Requires(Capability.MULTI_PROCESS)
    void recoveryReadsDaemonsWrittenThroughAnotherInstance() {
        BatchStores other = anotherStore();
        Batch b = newBatch(4, M);
        DaemonId live = DaemonId.generate();
        DaemonId doomed = DaemonId.generate();
        for (DaemonId id : List.of(live, doomed)) {
            other.daemons().persistDaemon(new DaemonRecord(daemonData(id),
                    new DaemonState.Running(now(), now(), DaemonStats.ZERO)));
        }
        List<BatchRequest> kept = processing(live, M, 2);
        List<BatchRequest> lost = claim(doomed, M, 2);
        other.daemons().persistDaemon(new DaemonRecord(daemonData(doomed), new DaemonState.Dead(now(), now(), DaemonStats.ZERO)));

        assertThat(daemons().listDaemons(Optional.empty())).extracting(DaemonRecord::id).containsExactlyInAnyOrder(live, doomed);
        assertThat(daemons().getDaemon(doomed).state()).isInstanceOf(DaemonState.Dead.class);
        assertThat(storage().reclaimStaleRequests(Duration.ofMinutes(5), 100)).isEqualTo(2);

        assertThat(lost).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(RequestState.Pending.fresh()));
        assertThat(kept).allSatisfy(r -> assertThat(stateOf(r.id())).isEqualTo(r.state()));
        assertThat(other.batches().getBatch(b.id()).counts()).isEqualTo(counts(4, 2, 2, 0, 0, 0));
        assertThat(other.batches().reclaimStaleRequests(Duration.ofMinutes(5), 100)).isZero();
    }
}
