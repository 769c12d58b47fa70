package dev.salvo.storage.filesystem.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.conformance.MutableClock;
import dev.salvo.storage.filesystem.TestDirectories;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code getBatch} answers from the view each change publishes, without the store lock: a poll must not
 * wait behind the daemon's changes (a lock holder can itself be waiting for a core). What it answers must
 * still be exactly the locked view, as of the last change.
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

    private ReentrantLock storeLock() throws ReflectiveOperationException {
        return state().lock;
    }

    /** Holds the store lock on another thread until the returned latch is counted down. */
    private CountDownLatch holdLock(ReentrantLock lock) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    /** The same batch read under the lock (the listing always takes it). */
    private Batch lockedView(Batch batch) {
        return store.listBatches(ListBatchesFilter.all()).stream().filter(b -> b.id().equals(batch.id())).findFirst().orElseThrow();
    }

    @Test
    void aReadIsAnsweredWhileAnotherThreadHoldsTheStoreLockAndShowsTheLastChange() throws Exception {
        Batch batch = store.createBatch(BatchInput.of(BatchFixtures.upload(store, 3, "{}"), "/v1/chat/completions", "24h"));
        DaemonId daemon = DaemonId.generate();
        List<BatchRequest> claimed = BatchFixtures.claim(store, daemon, 3);
        BatchFixtures.complete(store, BatchFixtures.start(store, claimed.getFirst(), clock), "{\"ok\":1}", clock);
        Batch locked = lockedView(batch);

        CountDownLatch release = holdLock(storeLock());
        try {
            Batch read = CompletableFuture.supplyAsync(() -> store.getBatch(batch.id())).get(10, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(locked);
            assertThat(read.counts()).isEqualTo(new RequestCounts(3, 0, 2, 1, 0, 0));
        } finally {
            release.countDown();
        }
    }

    @Test
    void concurrentReadsSeeWholeMonotonicCountsAndEndOnTheLockedView() throws Exception {
        int n = 300;
        Batch batch = store.createBatch(BatchInput.of(BatchFixtures.upload(store, n, "{}"), "/v1/chat/completions", "24h"));
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

    private StoreState state() throws ReflectiveOperationException {
        var field = FilesystemBatchStorage.class.getDeclaredField("state");
        field.setAccessible(true);
        return (StoreState) field.get(store);
    }

    /**
     * Starts a change on another thread that applies an effect to the batch and then stops, holding the
     * store lock, until {@code finish} is counted down; {@code failed} makes it end as a failed change does.
     */
    private void changeInProgress(Batch batch, CountDownLatch finish, boolean failed) throws Exception {
        StoreState state = state();
        BatchEntry entry = state.batches.get(batch.id());
        CountDownLatch applied = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            state.lock.lock();
            try {
                Tx tx = new Tx(state);
                tx.apply(entry, new Effect.Stamp(Effect.StampField.CANCELLING, entry.createdAt + 1));
                if (failed) {
                    tx.withdrawViews();
                }
                applied.countDown();
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                state.lock.unlock();
            }
        });
        assertThat(applied.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aChangeInProgressDoesNotHideTheLastFinishedView() throws Exception {
        Batch batch = store.createBatch(BatchInput.of(BatchFixtures.upload(store, 2, "{}"), "/v1/chat/completions", "24h"));
        Batch before = store.getBatch(batch.id());
        CountDownLatch finish = new CountDownLatch(1);
        changeInProgress(batch, finish, false);
        try {
            // Answered at once, and with the state before the unfinished change: it is not visible yet.
            Batch read = CompletableFuture.supplyAsync(() -> store.getBatch(batch.id())).get(10, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(before);
            assertThat(read.cancellingAt()).isNull();
        } finally {
            finish.countDown();
        }
    }

    @Test
    void afterAFailedChangeReadsGoThroughTheLock() throws Exception {
        Batch batch = store.createBatch(BatchInput.of(BatchFixtures.upload(store, 2, "{}"), "/v1/chat/completions", "24h"));
        store.getBatch(batch.id());
        CountDownLatch finish = new CountDownLatch(1);
        changeInProgress(batch, finish, true);
        CompletableFuture<Batch> read;
        try {
            read = CompletableFuture.supplyAsync(() -> store.getBatch(batch.id()));
            Thread.sleep(200);
            assertThat(read).as("a read after the view was withdrawn waits for the lock").isNotDone();
        } finally {
            finish.countDown();
        }
        assertThat(read.get(10, TimeUnit.SECONDS).cancellingAt()).isNotNull();
    }

    @Test
    void aDeletedBatchIsNotFoundThoughItsViewWasPublished() {
        Batch batch = store.createBatch(BatchInput.of(BatchFixtures.upload(store, 2, "{}"), "/v1/chat/completions", "24h"));
        store.getBatch(batch.id());
        store.deleteBatch(batch.id());
        assertThatThrownBy(() -> store.getBatch(batch.id())).isInstanceOf(BatchStorageException.NotFound.class);
    }
}
