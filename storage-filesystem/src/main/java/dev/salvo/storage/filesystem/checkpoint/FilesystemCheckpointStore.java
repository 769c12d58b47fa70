package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointSaveRules;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ListOptions;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.core.checkpoint.ThreadListOptions;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
 * {@link CheckpointStore} on local disk: one directory per owner under {@code {root}/checkpoints}, one per
 * thread inside it, and two files per checkpoint, {@code {sequence:020d}_{checkpointId}.state} and
 * {@code .meta.json}. Opening the store first moves thread directories of the layout before owners into
 * their owners' directories ({@link OwnerLayoutMigration}).
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
    /** Creating a thread directory retries this often when its owner's directory vanishes in between. */
    private static final int OWNER_DIRECTORY_ATTEMPTS = 16;

    private final DataDirectory dataDirectory;
    private final boolean ownsDataDirectory;
    private final CheckpointLayout layout;
    private final MetadataCodec codec = new MetadataCodec();
    private final ThreadLoader loader;
    private final ThreadLocks locks = new ThreadLocks(LOCK_STRIPES);
    // Holds non-empty threads only: a thread without checkpoints costs no memory, however often it is asked about.
    private final ConcurrentHashMap<ThreadKey, ThreadIndex> indexes = new ConcurrentHashMap<>();
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
        migrateToOwnerLayout();
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
    public String save(ThreadKey thread, CheckpointMetadata metadata, byte[] state) {
        CheckpointSaveRules.validate(thread, metadata, state);
        return writing(thread, "save checkpoint " + metadata.id() + " in " + describe(thread), index -> {
            if (index.contains(metadata.id())) {
                throw new CheckpointException.Conflict(thread, metadata.id());
            }
            CheckpointMetadata stored = metadata.asStored(index.nextSequence(), state.length);
            byte[] json = codec.encode(thread, stored);
            writeCommitted(thread, stored, state, json);
            index.add(stored);
            indexes.put(thread, index);
            return stored.id();
        });
    }

    @Override
    public Checkpoint load(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        return reading(thread, "load checkpoint " + checkpointId + " of " + describe(thread), index -> {
            if (index.isEmpty()) {
                throw CheckpointException.NotFound.thread(thread);
            }
            CheckpointMetadata metadata = index.find(checkpointId)
                    .orElseThrow(() -> CheckpointException.NotFound.checkpoint(thread, checkpointId));
            return new Checkpoint(metadata, readState(thread, metadata));
        });
    }

    @Override
    public Checkpoint loadLatest(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        return reading(thread, "load the latest checkpoint of " + describe(thread), index -> {
            CheckpointMetadata metadata = index.latest()
                    .orElseThrow(() -> CheckpointException.NotFound.thread(thread));
            return new Checkpoint(metadata, readState(thread, metadata));
        });
    }

    @Override
    public List<CheckpointMetadata> list(ThreadKey thread, ListOptions options) {
        CheckpointSaveRules.validateList(thread, options);
        return reading(thread, "list " + describe(thread), index -> index.page(options));
    }

    @Override
    public void delete(ThreadKey thread, String checkpointId) {
        CheckpointIds.requireThread(thread);
        CheckpointIds.requireValidCheckpointId(checkpointId);
        writing(thread, "delete checkpoint " + checkpointId + " of " + describe(thread), index -> {
            Optional<CheckpointMetadata> victim = index.find(checkpointId);
            if (victim.isPresent()) {
                removeCommitted(thread, index, List.of(victim.get()));
            }
            return null;
        });
    }

    @Override
    public void deleteThread(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        withWriteLock(thread, "delete " + describe(thread), () -> {
            indexes.remove(thread);
            if (removeThreadDirectory(layout.threadDirectory(thread))) {
                removeIfEmpty(layout.ownerDirectory(thread.owner()), layout.checkpointsDirectory());
            }
            return null;
        });
    }

    @Override
    public long count(ThreadKey thread) {
        CheckpointIds.requireThread(thread);
        return reading(thread, "count " + describe(thread), index -> (long) index.size());
    }

    @Override
    public List<String> listThreads(String owner, ThreadListOptions options) {
        CheckpointSaveRules.validateListThreads(owner, options);
        ensureOpen();
        return options.page(threadDirectoryNames(owner), threadId -> {
            ThreadKey thread = ThreadKey.of(owner, threadId);
            return reading(thread, "read " + describe(thread), index -> !index.isEmpty());
        });
    }

    @Override
    public long prune(ThreadKey thread, int keepLatest) {
        CheckpointSaveRules.validatePrune(thread, keepLatest);
        return writing(thread, "prune " + describe(thread), index -> {
            List<CheckpointMetadata> victims = index.allButNewest(keepLatest);
            if (!victims.isEmpty()) {
                removeCommitted(thread, index, victims);
            }
            return (long) victims.size();
        });
    }

    /**
     * Waits for operations in progress, then refuses new ones with {@link CheckpointException.Backend};
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

    private void writeCommitted(ThreadKey thread, CheckpointMetadata stored, byte[] state, byte[] json) throws IOException {
        Path directory = threadDirectoryForWriting(thread);
        CheckpointFileName name = new CheckpointFileName(stored.sequence(), stored.id());
        Path stateFile = layout.stateFile(thread, name);
        Path metaFile = layout.metaFile(thread, name);
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

    /**
     * The thread's directory, created (with its owner's) if needed. Owner directories are created and
     * removed without a lock: the last thread of an owner going away in parallel may remove the owner
     * directory between the two creations, which the retry repairs.
     */
    private Path threadDirectoryForWriting(ThreadKey thread) throws IOException {
        Path directory = layout.threadDirectory(thread);
        if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return directory;
        }
        Path ownerDirectory = layout.ownerDirectory(thread.owner());
        for (int attempt = 1; ; attempt++) {
            if (!Files.isDirectory(ownerDirectory, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(ownerDirectory);
                    AtomicFiles.syncDirectory(layout.checkpointsDirectory());
                } catch (FileAlreadyExistsException e) {
                    // created by a save to another thread of this owner; or not a directory, which the next step reports
                }
            }
            try {
                Files.createDirectory(directory);
                AtomicFiles.syncDirectory(ownerDirectory);
                return directory;
            } catch (NoSuchFileException e) {
                if (attempt == OWNER_DIRECTORY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Metadata first (the commit markers, oldest first, made durable together), then the states. */
    private void removeCommitted(ThreadKey thread, ThreadIndex index, List<CheckpointMetadata> victims) throws IOException {
        Path directory = layout.threadDirectory(thread);
        for (CheckpointMetadata victim : victims) {
            Files.deleteIfExists(layout.metaFile(thread, fileName(victim)));
            index.remove(victim);
        }
        AtomicFiles.syncDirectory(directory);
        for (CheckpointMetadata victim : victims) {
            Path stateFile = layout.stateFile(thread, fileName(victim));
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException e) {
                // The checkpoint is already gone; the orphaned state is removed when the thread is next loaded.
                LOG.warn("Could not remove {} after deleting its checkpoint: {}", stateFile, e.toString());
            }
        }
        if (index.isEmpty()) {
            indexes.remove(thread);
            Path ownerDirectory = layout.ownerDirectory(thread.owner());
            if (removeIfEmpty(directory, ownerDirectory)) {
                removeIfEmpty(ownerDirectory, layout.checkpointsDirectory());
            }
        }
    }

    /** @return whether the directory was there and is gone now */
    private boolean removeThreadDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
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
        AtomicFiles.syncDirectory(directory.getParent());
        return true;
    }

    /** Removes {@code directory} if it is empty, making that durable in {@code parent}; @return whether it is gone. */
    private static boolean removeIfEmpty(Path directory, Path parent) throws IOException {
        try {
            if (Files.deleteIfExists(directory)) {
                AtomicFiles.syncDirectory(parent);
            }
            return true;
        } catch (DirectoryNotEmptyException e) {
            // Torn metadata kept for inspection, or another thread of the owner: the directory stays.
            return false;
        }
    }

    private byte[] readState(ThreadKey thread, CheckpointMetadata metadata) throws IOException {
        Path stateFile = layout.stateFile(thread, fileName(metadata));
        byte[] state = Files.readAllBytes(stateFile);
        if (state.length != metadata.stateSize()) {
            throw new IOException(stateFile + " holds " + state.length + " bytes but its metadata records "
                    + metadata.stateSize());
        }
        return state;
    }

    /** The names of the owner's thread directories; every name is checked as an id before it becomes a key. */
    private List<String> threadDirectoryNames(String owner) {
        Path ownerDirectory = layout.ownerDirectory(owner);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ownerDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (CheckpointIds.isValid(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CheckpointException.Backend("cannot list the threads in " + ownerDirectory + ": " + e.getMessage(), e);
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
            throw new CheckpointException.Backend("cannot create " + directory + ": " + e.getMessage(), e);
        }
    }

    private void migrateToOwnerLayout() {
        try {
            new OwnerLayoutMigration(layout).run();
        } catch (IOException e) {
            throw new CheckpointException.Backend("cannot move the checkpoint threads in " + layout.checkpointsDirectory()
                    + " into their owners' directories: " + e.getMessage(), e);
        }
    }

    private static CheckpointFileName fileName(CheckpointMetadata stored) {
        return new CheckpointFileName(stored.sequence(), stored.id());
    }

    private static String describe(ThreadKey thread) {
        return "thread " + thread.threadId() + " of owner " + thread.owner();
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

    private <T> T reading(ThreadKey thread, String operation, IndexAction<T> action) {
        return underLock(locks.forThread(thread).readLock(), thread, operation,
                () -> action.apply(index(thread)));
    }

    private <T> T writing(ThreadKey thread, String operation, IndexAction<T> action) {
        return withWriteLock(thread, operation, () -> action.apply(index(thread)));
    }

    private <T> T withWriteLock(ThreadKey thread, String operation, IoAction<T> action) {
        return underLock(locks.forThread(thread).writeLock(), thread, operation, action);
    }

    private <T> T underLock(Lock lock, ThreadKey thread, String operation, IoAction<T> action) {
        lock.lock();
        try {
            ensureOpen();
            return action.run();
        } catch (IOException e) {
            indexes.remove(thread);
            throw new CheckpointException.Backend("cannot " + operation + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The thread's index, loading it from disk if it is not cached. Under a read lock two callers may
     * load the same thread at once; writers are excluded, so both build the same index and one is kept.
     */
    private ThreadIndex index(ThreadKey thread) throws IOException {
        ThreadIndex cached = indexes.get(thread);
        if (cached != null) {
            return cached;
        }
        ThreadIndex loaded = loader.load(thread);
        if (loaded.isEmpty()) {
            return loaded;
        }
        ThreadIndex raced = indexes.putIfAbsent(thread, loaded);
        return raced != null ? raced : loaded;
    }

    private void ensureOpen() {
        if (closed || !dataDirectory.isOpen()) {
            throw new CheckpointException.Backend("the checkpoint store over " + layout.root() + " is closed", null);
        }
    }
}
