package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.storage.postgres.batch.PersistQueue.Entry;
import dev.salvo.storage.postgres.batch.PersistQueue.Outcome;
import dev.salvo.storage.postgres.tx.Transactions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group-commit mechanics on their own, with a writer that records its groups and can be held
 * mid-write (the SQL side is covered against PostgreSQL by GroupPersistTest).
 */
class PersistQueueTest {

    private static final Outcome APPLIED = new Outcome.Done(PersistResult.Applied.plain());

    private final CountDownLatch firstGroupEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirstGroup = new CountDownLatch(1);
    private final List<List<UUID>> groups = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Holds the first group until released, so that later writes pile up behind it. */
    private PersistQueue.GroupWriter holdingFirst(PersistQueue.GroupWriter then) {
        return group -> {
            groups.add(group.stream().map(Entry::id).toList());
            if (groups.size() == 1) {
                firstGroupEntered.countDown();
                BatchFixtures.awaitOpen(releaseFirstGroup);
            }
            return then.write(group);
        };
    }

    @AfterEach
    void releaseEverything() throws InterruptedException {
        releaseFirstGroup.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
    }

    @Test
    void callersBlockUntilTheirGroupIsWrittenAndWritesWaitingMeanwhileFormOneGroup() throws Exception {
        PersistQueue queue = new PersistQueue(holdingFirst(group -> Collections.nCopies(group.size(), APPLIED)));
        Map<UUID, Outcome> outcomes = new ConcurrentHashMap<>();
        UUID first = UUID.randomUUID();
        submit(queue, first, outcomes);
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();

        List<UUID> later = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID id = UUID.randomUUID();
            later.add(id);
            submit(queue, id, outcomes);
        }
        waitUntilQueued(queue, 20);
        assertThat(outcomes).as("nobody returns before the group's write ended").isEmpty();

        releaseFirstGroup.countDown();
        joinAll();
        assertThat(outcomes).hasSize(21).allSatisfy((id, outcome) -> assertThat(outcome).isEqualTo(APPLIED));
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly(first);
        assertThat(groups.get(1)).containsExactlyInAnyOrderElementsOf(later);
    }

    @Test
    void aGroupNeverHoldsTwoWritesOfOneRequestAndTheyKeepTheirArrivalOrder() throws Exception {
        List<RequestStateKind> written = new CopyOnWriteArrayList<>();
        PersistQueue queue = new PersistQueue(holdingFirst(group -> {
            group.forEach(e -> written.add(e.next()));
            return Collections.nCopies(group.size(), APPLIED);
        }));
        UUID gate = UUID.randomUUID();
        UUID twice = UUID.randomUUID();
        submit(queue, gate, RequestStateKind.PROCESSING, new ConcurrentHashMap<>());
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        submit(queue, twice, RequestStateKind.PROCESSING, new ConcurrentHashMap<>());
        waitUntilQueued(queue, 1);
        submit(queue, twice, RequestStateKind.COMPLETED, new ConcurrentHashMap<>());
        waitUntilQueued(queue, 2);
        UUID other = UUID.randomUUID();
        submit(queue, other, RequestStateKind.COMPLETED, new ConcurrentHashMap<>());
        waitUntilQueued(queue, 3);

        releaseFirstGroup.countDown();
        joinAll();
        assertThat(groups).containsExactly(List.of(gate), List.of(twice, other), List.of(twice));
        assertThat(written).containsExactly(RequestStateKind.PROCESSING, RequestStateKind.PROCESSING, RequestStateKind.COMPLETED,
                RequestStateKind.COMPLETED);
    }

    @Test
    void aGroupThatFailsBeforeCommitSendsEveryCallerToWriteAloneAndTheQueueGoesOn() throws Exception {
        AtomicReference<Boolean> failNext = new AtomicReference<>(true);
        PersistQueue queue = new PersistQueue(holdingFirst(group -> {
            if (groups.size() == 2 && failNext.getAndSet(false)) {
                throw new BatchStorageException.Backend("persist failed: P0001", new RuntimeException("poisoned row"));
            }
            return Collections.nCopies(group.size(), APPLIED);
        }));
        Map<UUID, Outcome> outcomes = new ConcurrentHashMap<>();
        submit(queue, UUID.randomUUID(), outcomes);
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (int i = 0; i < 5; i++) {
            submit(queue, UUID.randomUUID(), outcomes);
        }
        waitUntilQueued(queue, 5);
        releaseFirstGroup.countDown();
        joinAll();

        assertThat(outcomes.values()).filteredOn(APPLIED::equals).hasSize(1);
        assertThat(outcomes.values()).filteredOn(o -> o instanceof Outcome.Alone).hasSize(5);
        // The writer survived the failure and serves the next write.
        Map<UUID, Outcome> after = new ConcurrentHashMap<>();
        submit(queue, UUID.randomUUID(), after);
        joinAll();
        assertThat(after.values()).containsExactly(APPLIED);
    }

    @Test
    void aFailedCommitIsReportedToEveryCallerOfTheGroupNotRetried() throws Exception {
        PersistQueue queue = new PersistQueue(holdingFirst(group -> {
            if (groups.size() == 2) {
                throw new BatchStorageException.Backend("persist failed: 08006",
                        new Transactions.CommitFailed(new SQLException("connection lost during commit", "08006")));
            }
            return Collections.nCopies(group.size(), APPLIED);
        }));
        Map<UUID, Outcome> outcomes = new ConcurrentHashMap<>();
        submit(queue, UUID.randomUUID(), outcomes);
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        for (int i = 0; i < 3; i++) {
            submit(queue, UUID.randomUUID(), outcomes);
        }
        waitUntilQueued(queue, 3);
        releaseFirstGroup.countDown();
        joinAll();

        assertThat(outcomes.values()).filteredOn(o -> o instanceof Outcome.Failed).hasSize(3);
    }

    @Test
    void anInterruptedCallerStillWaitsForItsOutcomeAndKeepsTheInterrupt() throws Exception {
        PersistQueue queue = new PersistQueue(holdingFirst(group -> Collections.nCopies(group.size(), APPLIED)));
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            outcome.set(queue.submit(UUID.randomUUID(), RequestStateKind.COMPLETED, new Object[0]));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        threads.add(caller);
        assertThat(firstGroupEntered.await(1, TimeUnit.MINUTES)).isTrue();
        caller.interrupt();
        caller.join(200);
        assertThat(outcome.get()).as("returned before its write ended").isNull();

        releaseFirstGroup.countDown();
        caller.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(outcome.get()).isEqualTo(APPLIED);
        assertThat(stillInterrupted.get()).isTrue();
    }

    private void submit(PersistQueue queue, UUID id, Map<UUID, Outcome> outcomes) {
        submit(queue, id, RequestStateKind.COMPLETED, outcomes);
    }

    private void submit(PersistQueue queue, UUID id, RequestStateKind next, Map<UUID, Outcome> outcomes) {
        threads.add(Thread.ofVirtual().start(() -> outcomes.put(id, queue.submit(id, next, new Object[0]))));
    }

    private void joinAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(t.isAlive()).as("caller %s still blocked", t).isFalse();
        }
    }

    private static void waitUntilQueued(PersistQueue queue, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (queue.queued() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + queue.queued() + " of " + n + " writes queued");
            }
            Thread.sleep(5);
        }
    }
}
