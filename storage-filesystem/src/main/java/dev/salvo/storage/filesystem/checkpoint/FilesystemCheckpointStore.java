package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException.InvalidState;
import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CheckpointStore} on local disk: one directory per thread under {@code {root}/checkpoints}, and
 * two files per checkpoint, {@code {sequence:020d}_{checkpointId}.state} and {@code .meta.json}.
 *
 * <p>A save writes the {@code .state} and then the {@code .meta.json}, each by temp file, fsync and
 * atomic rename, and finally fsyncs the thread directory; the metadata file is the commit marker, so a
 * crash at any point leaves either the whole checkpoint or nothing visible.
 * Deletes remove the metadata first for the same reason, oldest checkpoint first, so an interrupted
 * prune or thread delete leaves the newest checkpoints, as a prune to a larger count would.
 *
 * <p>The data directory has one owner, so the store keeps each thread's metadata in memory, built from
 * the directory on first use and updated after every successful change; state bytes are always read
 * from disk. An I/O failure drops the thread's cached index, so the next call rebuilds it from what the
 * disk really holds. Saves to one thread serialise on its lock; threads hash onto 64 lock stripes, so
 * different threads almost always proceed in parallel.
 */
public final class FilesystemCheckpointStore implements CheckpointStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemCheckpointStore.class);
    private static final int LOCK_STRIPES = 64;

    private final DataDirectory dataDirectory;
    private final boolean ownsDataDirectory;
    private final CheckpointLayout layout;
    private final MetadataCodec codec = new MetadataCodec();
    private final ThreadLoader loader;
    private final ThreadLocks locks = new ThreadLocks(LOCK_STRIPES);
    // Holds non-empty threads only: a thread without checkpoints costs no memory, however often it is asked about.
    private final ConcurrentHashMap<String, ThreadIndex> indexes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A store over a data directory someone else owns and closes (the Guice wiring, or a caller sharing it). */
    public FilesystemCheckpointStore(DataDirectory dataDirectory) {
        this(dataDirectory, false);
    }

    private FilesystemCheckpointStore(DataDirectory dataDirectory, boolean ownsDataDirectory) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.ownsDataDirectory = ownsDataDirectory;
        this.layout = new CheckpointLayout(dataDirectory);
        this.loader = new ThreadLoader(layout, codec);
        createCheckpointsDirectory();
    }

    /**
     * Opens (creating if needed) the data directory at {@code directory} and a store over it; closing the
     * store releases the directory.
     */
    public static FilesystemCheckpointStore open(Path directory) {
        DataDirectory dataDirectory = DataDirectory.open(directory);
        try {
            return new FilesystemCheckpointStore(dataDirectory, true);
        } catch (RuntimeException e) {
            dataDirectory.close();
            throw e;
        }
    }

    @Override
    public String save(String threadId, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(threadId, metadata, state);
        return writing(threadId, "save checkpoint " + metadata.id() + " in thread " + threadId, index -> {
            if (index.contains(metadata.id())) {
                throw new InvalidState(Reason.DUPLICATE_ID, "thread " + threadId + " already has checkpoint " + metadata.id());
            }
            CheckpointMetadata stored = metadata.asStored(index.nextSequence(), state.length);
            byte[] json = codec.encode(stored);
            writeCommitted(threadId, stored, state, json);
            index.add(stored);
            indexes.put(threadId, index);
            return stored.id();
        });
    }

    @Override
    public Checkpoint load(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        return reading(threadId, "load checkpoint " + checkpointId + " of thread " + threadId, index -> {
            if (index.isEmpty()) {
                throw new CheckpointException.ThreadNotFound(threadId);
            }
            CheckpointMetadata metadata = index.find(checkpointId)
                    .orElseThrow(() -> new CheckpointException.NotFound(threadId, checkpointId));
            return new Checkpoint(metadata, readState(threadId, metadata));
        });
    }

    @Override
    public Checkpoint loadLatest(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        return reading(threadId, "load the latest checkpoint of thread " + threadId, index -> {
            CheckpointMetadata metadata = index.latest()
                    .orElseThrow(() -> new CheckpointException.ThreadNotFound(threadId));
            return new Checkpoint(metadata, readState(threadId, metadata));
        });
    }

    @Override
    public List<CheckpointMetadata> list(String threadId, ListOptions options) {
        CheckpointIds.requireValidThreadId(threadId);
        if (options == null) {
            throw new InvalidState(Reason.INVALID_ARGUMENT, "list options are required");
        }
        return reading(threadId, "list thread " + threadId, index -> index.page(options));
    }

    @Override
    public void delete(String threadId, String checkpointId) {
        CheckpointIds.requireValidThreadId(threadId);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        writing(threadId, "delete checkpoint " + checkpointId + " of thread " + threadId, index -> {
            Optional<CheckpointMetadata> victim = index.find(checkpointId);
            if (victim.isPresent()) {
                removeCommitted(threadId, index, List.of(victim.get()));
            }
            return null;
        });
    }

    @Override
    public void deleteThread(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        withWriteLock(threadId, "delete thread " + threadId, () -> {
            indexes.remove(threadId);
            removeThreadDirectory(layout.threadDirectory(threadId));
            return null;
        });
    }

    @Override
    public long count(String threadId) {
        CheckpointIds.requireValidThreadId(threadId);
        return reading(threadId, "count thread " + threadId, index -> (long) index.size());
    }

    @Override
    public List<String> listThreads() {
        ensureOpen();
        List<String> threads = new ArrayList<>();
        for (String candidate : threadDirectoryNames()) {
            if (reading(candidate, "read thread " + candidate, index -> !index.isEmpty())) {
                threads.add(candidate);
            }
        }
        threads.sort(Comparator.naturalOrder());
        return threads;
    }

    @Override
    public long prune(String threadId, int keepLatest) {
        CheckpointSaveRules.validatePrune(threadId, keepLatest);
        return writing(threadId, "prune thread " + threadId, index -> {
            List<CheckpointMetadata> victims = index.allButNewest(keepLatest);
            if (!victims.isEmpty()) {
                removeCommitted(threadId, index, victims);
            }
            return (long) victims.size();
        });
    }

    /**
     * Waits for operations in progress, then refuses new ones with {@link CheckpointException.Storage};
     * releases the data directory too if this store opened it. Idempotent.
     */
    @Override
    public void close() {
        locks.lockAll();
        try {
            closed = true;
            indexes.clear();
        } finally {
            locks.unlockAll();
        }
        if (ownsDataDirectory) {
            dataDirectory.close();
        }
    }

    @Override
    public String toString() {
        return "FilesystemCheckpointStore[" + layout.root() + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ writing and removing files

    private void writeCommitted(String threadId, CheckpointMetadata stored, byte[] state, byte[] json) throws IOException {
        Path directory = threadDirectoryForWriting(threadId);
        CheckpointFileName name = new CheckpointFileName(stored.sequence(), stored.id());
        Path stateFile = layout.stateFile(threadId, name);
        Path metaFile = layout.metaFile(threadId, name);
        AtomicFiles.publish(stateFile, state);
        boolean metaPublished = false;
        try {
            AtomicFiles.publish(metaFile, json);
            metaPublished = true;
            AtomicFiles.syncDirectory(directory);
        } catch (IOException | RuntimeException e) {
            // Without a durable directory entry the caller must not be told it is saved, so take it back.
            if (metaPublished) {
                deleteAfterFailure(metaFile, e);
            }
            deleteAfterFailure(stateFile, e);
            throw e;
        }
    }

    /** Best effort: whatever is left is invisible (no metadata) and removed when the thread is next loaded. */
    private static void deleteAfterFailure(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private Path threadDirectoryForWriting(String threadId) throws IOException {
        Path directory = layout.threadDirectory(threadId);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(directory);
            AtomicFiles.syncDirectory(layout.checkpointsDirectory());
        }
        return directory;
    }

    /** Metadata first (the commit markers, oldest first, made durable together), then the states. */
    private void removeCommitted(String threadId, ThreadIndex index, List<CheckpointMetadata> victims) throws IOException {
        Path directory = layout.threadDirectory(threadId);
        for (CheckpointMetadata victim : victims) {
            Files.deleteIfExists(layout.metaFile(threadId, fileName(victim)));
            index.remove(victim);
        }
        AtomicFiles.syncDirectory(directory);
        for (CheckpointMetadata victim : victims) {
            Path stateFile = layout.stateFile(threadId, fileName(victim));
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException e) {
                // The checkpoint is already gone; the orphaned state is removed when the thread is next loaded.
                LOG.warn("Could not remove {} after deleting its checkpoint: {}", stateFile, e.toString());
            }
        }
        if (index.isEmpty()) {
            indexes.remove(threadId);
            removeIfEmpty(directory);
        }
    }

    private void removeThreadDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> metaFiles = new ArrayList<>();
        List<Path> otherFiles = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                boolean meta = CheckpointFileName.ofMetaFile(entry.getFileName().toString()).isPresent();
                (meta ? metaFiles : otherFiles).add(entry);
            }
        }
        // Zero-padded sequences: name order is age order.
        metaFiles.sort(Comparator.comparing(path -> path.getFileName().toString()));
        for (Path file : metaFiles) {
            Files.deleteIfExists(file);
        }
        AtomicFiles.syncDirectory(directory);
        for (Path file : otherFiles) {
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(directory);
        AtomicFiles.syncDirectory(layout.checkpointsDirectory());
    }

    private void removeIfEmpty(Path directory) throws IOException {
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException e) {
            // Torn metadata kept for inspection; the directory stays, and lists no checkpoints.
            return;
        }
        AtomicFiles.syncDirectory(layout.checkpointsDirectory());
    }

    private byte[] readState(String threadId, CheckpointMetadata metadata) throws IOException {
        Path stateFile = layout.stateFile(threadId, fileName(metadata));
        byte[] state = Files.readAllBytes(stateFile);
        if (state.length != metadata.stateSize()) {
            throw new IOException(stateFile + " holds " + state.length + " bytes but its metadata records "
                    + metadata.stateSize());
        }
        return state;
    }

    private List<String> threadDirectoryNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.checkpointsDirectory())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (CheckpointIds.isValid(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException.Storage("cannot list threads in " + layout.checkpointsDirectory(), e);
        }
        return names;
    }

    private void createCheckpointsDirectory() {
        Path directory = layout.checkpointsDirectory();
        try {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory);
                AtomicFiles.syncDirectory(layout.root());
            }
        } catch (IOException e) {
            throw new CheckpointException.Storage("cannot create " + directory, e);
        }
    }

    private static CheckpointFileName fileName(CheckpointMetadata stored) {
        return new CheckpointFileName(stored.sequence(), stored.id());
    }

    // ------------------------------------------------------------------ locking and the index cache

    @FunctionalInterface
    private interface IndexAction<T> {
        T apply(ThreadIndex index) throws IOException;
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T reading(String threadId, String operation, IndexAction<T> action) {
        return underLock(locks.forThread(threadId).readLock(), threadId, operation,
                () -> action.apply(index(threadId)));
    }

    private <T> T writing(String threadId, String operation, IndexAction<T> action) {
        return withWriteLock(threadId, operation, () -> action.apply(index(threadId)));
    }

    private <T> T withWriteLock(String threadId, String operation, IoAction<T> action) {
        return underLock(locks.forThread(threadId).writeLock(), threadId, operation, action);
    }

    private <T> T underLock(Lock lock, String threadId, String operation, IoAction<T> action) {
        lock.lock();
        try {
            ensureOpen();
            return action.run();
        } catch (IOException e) {
            indexes.remove(threadId);
            throw new CheckpointException.Storage("cannot " + operation + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The thread's index, loading it from disk if it is not cached. Under a read lock two callers may
     * load the same thread at once; writers are excluded, so both build the same index and one is kept.
     */
    private ThreadIndex index(String threadId) throws IOException {
        ThreadIndex cached = indexes.get(threadId);
        if (cached != null) {
            return cached;
        }
        ThreadIndex loaded = loader.load(threadId);
        if (loaded.isEmpty()) {
            return loaded;
        }
        ThreadIndex raced = indexes.putIfAbsent(threadId, loaded);
        return raced != null ? raced : loaded;
    }

    private void ensureOpen() {
        if (closed || !dataDirectory.isOpen()) {
            throw new CheckpointException.Storage("the checkpoint store over " + layout.root() + " is closed", null);
        }
    }
}
