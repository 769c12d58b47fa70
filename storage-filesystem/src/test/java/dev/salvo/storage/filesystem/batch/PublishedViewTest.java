package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestOutcome;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.conformance.MutableClock;
import dev.salvo.storage.filesystem.TestDirectories;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code getBatch} answers from the view each change publishes, without the store lock: a poll must not
 * wait behind the daemon's changes (a lock holder can itself be waiting for a core). What it answers must
 * still be exactly the locked view, as of the last finished change.
 *
 * <p>Everything here goes through the port. A change is held open by the caller's own id list:
 * {@code cancelRequests} reads its ids one by one inside its change, under the store lock, so a list that
 * stops at an id stops the change there — with the cancels of the ids before it applied to memory and not
 * yet published — and a list that throws there makes a change fail after it changed memory.
 */
class PublishedViewTest {

    private final MutableClock clock = MutableClock.startingAtFixedPoint();
    private Path root;
    private FilesystemBatchStorage store;

    @BeforeEach
    void open() {
        root = TestDirectories.create("salvo-batch-view-");
        store = FilesystemBatchStorage.open(root, clock);
    }

    @AfterEach
    void cleanUp() {
        store.close();
        TestDirectories.deleteRecursively(root);
    }

    private Batch newBatch(int requests) {
        return store.createBatch(BatchInput.of(BatchFixtures.upload(store, requests, "{}"), "/v1/chat/completions", "24h"));
    }

    private List<RequestId> requestIds(Batch batch) {
        try (Stream<BatchRequest> requests = store.streamBatchRequests(batch.id())) {
            return requests.map(BatchRequest::id).toList();
        }
    }

    /** The same batch read under the lock (the listing always takes it). */
    private Batch lockedView(Batch batch) {
        return store.listBatches(ListBatchesFilter.all()).stream().filter(b -> b.id().equals(batch.id())).findFirst().orElseThrow();
    }

    private static <T> CompletableFuture<T> onAnotherThread(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, task -> Thread.ofPlatform().daemon().start(task));
    }

    /**
     * Ids for {@code cancelRequests} that stop the change when it reads the one at {@code stopAt}: it then
     * fails with {@code failure}, or (without one) waits until {@link #release} is counted down.
     */
    private static final class StoppingIds extends AbstractList<RequestId> {

        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final List<RequestId> ids;
        private final int stopAt;
        private final RuntimeException failure;

        StoppingIds(List<RequestId> ids, int stopAt, RuntimeException failure) {
            this.ids = List.copyOf(ids);
            this.stopAt = stopAt;
            this.failure = failure;
        }

        @Override
        public RequestId get(int index) {
            if (index == stopAt) {
                reached.countDown();
                if (failure != null) {
                    throw failure;
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ids.get(index);
        }

        @Override
        public int size() {
            return ids.size();
        }
    }

    /** A {@code cancelRequests(ids)} running on another thread, stopped at {@code ids[stopAt]} with the store lock held. */
    private final class ChangeInProgress implements AutoCloseable {

        private final StoppingIds ids;
        private final CompletableFuture<List<RequestOutcome>> change;

        ChangeInProgress(List<RequestId> ids, int stopAt) throws InterruptedException {
            this.ids = new StoppingIds(ids, stopAt, null);
            this.change = onAnotherThread(() -> store.cancelRequests(this.ids));
            assertThat(this.ids.reached.await(10, TimeUnit.SECONDS)).as("the change reached id %s", stopAt).isTrue();
            // Not vacuous: the change stopped inside the store lock, so a read that takes the lock waits for it.
            CompletableFuture<List<Batch>> lockedRead = onAnotherThread(() -> store.listBatches(ListBatchesFilter.all()));
            assertThatThrownBy(() -> lockedRead.get(200, TimeUnit.MILLISECONDS)).as("a read that takes the store lock")
                    .isInstanceOf(TimeoutException.class);
        }

        /** Lets the change go on and returns what it answered. */
        List<RequestOutcome> finish() throws Exception {
            ids.release.countDown();
            return change.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            ids.release.countDown();
        }
    }

    @Test
    void aReadIsAnsweredWhileAChangeHoldsTheStoreLockAndShowsTheLastChange() throws Exception {
        Batch batch = newBatch(3);
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 3);
        BatchFixtures.complete(store, BatchFixtures.start(store, claimed.getFirst(), clock), "{\"ok\":1}", clock);
        Batch locked = lockedView(batch);

        try (ChangeInProgress change = new ChangeInProgress(List.of(claimed.get(1).id()), 0)) {
            Batch read = onAnotherThread(() -> store.getBatch(batch.id())).get(10, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(locked);
            assertThat(read.counts()).isEqualTo(new RequestCounts(3, 0, 2, 1, 0, 0));
        }
    }

    @Test
    void concurrentReadsSeeWholeMonotonicCountsAndEndOnTheLockedView() throws Exception {
        int n = 300;
        Batch batch = newBatch(n);
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long reads = 0;
            long lastCompleted = -1;
            while (!done.get()) {
                RequestCounts c = store.getBatch(batch.id()).counts();
                assertThat(c.pending() + c.inProgress() + c.completed() + c.failed() + c.canceled()).isEqualTo(n);
                assertThat(c.completed()).isGreaterThanOrEqualTo(lastCompleted);
                lastCompleted = c.completed();
                reads++;
            }
            return reads;
        });
        DaemonId daemon = DaemonId.generate();
        for (int done10 = 0; done10 < n; done10 += 10) {
            for (BatchRequest request : BatchFixtures.claim(store, daemon, 10)) {
                BatchFixtures.complete(store, BatchFixtures.start(store, request, clock), "{}", clock);
            }
        }
        done.set(true);
        assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(store.getBatch(batch.id())).isEqualTo(lockedView(batch));
        assertThat(store.getBatch(batch.id()).counts().completed()).isEqualTo(n);
    }

    @Test
    void aChangeInProgressDoesNotHideTheLastFinishedView() throws Exception {
        Batch batch = newBatch(2);
        Batch before = store.getBatch(batch.id());
        try (ChangeInProgress change = new ChangeInProgress(requestIds(batch), 1)) {
            // The first cancel is applied to memory, but the change is not finished: a read is answered at
            // once, and with the state before the change.
            Batch read = onAnotherThread(() -> store.getBatch(batch.id())).get(10, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(before);
            assertThat(read.counts().canceled()).isZero();

            assertThat(change.finish()).hasSize(2).allMatch(RequestOutcome.Done.class::isInstance);
        }
        Batch after = store.getBatch(batch.id());
        assertThat(after.counts().canceled()).isEqualTo(2);
        assertThat(after).isEqualTo(lockedView(batch));
    }

    @Test
    void aChangeThatFailsAfterChangingMemoryStopsTheReadsUntilAReopen() {
        Batch batch = newBatch(2);
        store.getBatch(batch.id()); // its view is published
        IllegalStateException failure = new IllegalStateException("the caller's id list failed");
        assertThatThrownBy(() -> store.cancelRequests(new StoppingIds(requestIds(batch), 1, failure))).isSameAs(failure);

        // Memory (one request cancelled) is ahead of the log now: a read answers neither it nor the view
        // published before the change, but the failure.
        assertThatThrownBy(() -> store.getBatch(batch.id())).isInstanceOf(BatchStorageException.Backend.class)
                .hasMessageContaining("reopen the store");

        store.close();
        store = FilesystemBatchStorage.open(root, clock);
        assertThat(store.getBatch(batch.id()).counts()).isEqualTo(new RequestCounts(2, 2, 0, 0, 0, 0));
    }

    @Test
    void aDeletedBatchIsNotFoundThoughItsViewWasPublished() {
        Batch batch = newBatch(2);
        store.getBatch(batch.id());
        store.deleteBatch(batch.id());
        assertThatThrownBy(() -> store.getBatch(batch.id())).isInstanceOf(BatchStorageException.NotFound.class);
    }
}
