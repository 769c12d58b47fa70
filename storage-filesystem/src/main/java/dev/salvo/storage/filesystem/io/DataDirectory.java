package dev.salvo.storage.filesystem.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The root of everything the filesystem adapters store, owned by exactly one {@code DataDirectory}
 * instance in one process at a time.
 *
 * <p>Ownership is an exclusive operating-system lock on {@code {root}/salvo.lock}, held until
 * {@link #close()}; the operating system drops it when the process dies, so a crash never leaves a stale
 * lock behind. The adapters rely on single ownership: they keep in-memory indexes of what is on disk and
 * clean up leftovers of interrupted writes, both of which would be wrong with a second writer.
 *
 * <p>Every path an adapter builds goes through {@link #resolve}, which refuses anything that would leave
 * the root, on top of the id validation the domain already does.
 */
public final class DataDirectory implements AutoCloseable {

    public static final String LOCK_FILE_NAME = "salvo.lock";

    // POSIX record locks belong to the process, and closing *any* channel on the file releases them (see
    // FileLock's javadoc). A second opener in this JVM must therefore be turned away before it opens a
    // channel of its own, or its failed attempt would silently unlock the first owner.
    private static final Set<Object> LOCKED_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Object lockKey;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DataDirectory(Path root, Object lockKey, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockKey = lockKey;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates {@code directory} if needed and takes ownership of it.
     *
     * @throws DataDirectoryInUseException if another process or another instance in this one owns it
     * @throws UncheckedIOException if the directory or its lock file cannot be created or locked
     */
    public static DataDirectory open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path root = createRoot(directory);
        Path lockFile = root.resolve(LOCK_FILE_NAME);
        Object lockKey = lockKeyOf(lockFile);
        if (!LOCKED_IN_THIS_PROCESS.add(lockKey)) {
            throw DataDirectoryInUseException.byThisProcess(root);
        }
        try {
            return lock(root, lockFile, lockKey);
        } catch (RuntimeException e) {
            LOCKED_IN_THIS_PROCESS.remove(lockKey);
            throw e;
        }
    }

    /** The absolute, symlink-free root path. */
    public Path root() {
        return root;
    }

    /**
     * The path of {@code segments} below the root, one file name per segment.
     *
     * @throws IllegalArgumentException if a segment is empty, {@code .} or {@code ..}, contains a
     *         separator or NUL, or the result would otherwise not lie below the root
     */
    public Path resolve(String... segments) {
        ensureOpen();
        Path current = root;
        for (String segment : segments) {
            current = child(current, segment);
        }
        if (!current.normalize().startsWith(root)) {
            throw new IllegalArgumentException("path escapes the data directory " + root + ": " + current);
        }
        return current;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Releases the lock; the directory and its lock file stay. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on data directory " + root, e);
        } finally {
            // Only now: a new owner in this JVM must not open its channel while ours is still open.
            LOCKED_IN_THIS_PROCESS.remove(lockKey);
        }
    }

    @Override
    public String toString() {
        return "DataDirectory[" + root + (isOpen() ? "" : ", closed") + "]";
    }

    private static Path child(Path parent, String segment) {
        Objects.requireNonNull(segment, "segment");
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0
                || segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0
                || segment.contains(parent.getFileSystem().getSeparator())) {
            throw new IllegalArgumentException("not a single file name below the data directory: '" + segment + "'");
        }
        Path child;
        try {
            child = parent.resolve(segment);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid file name: '" + segment + "'", e);
        }
        // Catches what the character checks cannot know about, such as Windows drive-relative names.
        if (!parent.equals(child.getParent()) || !child.getFileName().toString().equals(segment)) {
            throw new IllegalArgumentException("not a single file name below the data directory: '" + segment + "'");
        }
        return child;
    }

    private static Path createRoot(Path directory) {
        try {
            Path absolute = directory.toAbsolutePath();
            boolean existed = Files.isDirectory(absolute);
            Files.createDirectories(absolute);
            Path root = absolute.toRealPath();
            if (!existed && root.getParent() != null) {
                AtomicFiles.syncDirectory(root.getParent());
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + directory, e);
        }
    }

    /** Identifies the lock file itself, so that two spellings of one directory (bind mounts) still collide. */
    private static Object lockKeyOf(Path lockFile) {
        try {
            try {
                Files.createFile(lockFile);
            } catch (FileAlreadyExistsException e) {
                // expected from the second start on
            }
            Object fileKey = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            return fileKey != null ? fileKey : lockFile.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create lock file " + lockFile, e);
        }
    }

    private static DataDirectory lock(Path root, Path lockFile, Object lockKey) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel, root);
            if (lock == null) {
                OptionalLong owner = ownerPid(channel);
                throw DataDirectoryInUseException.byAnotherProcess(root, owner);
            }
            recordOwner(channel);
            return new DataDirectory(root, lockKey, channel, lock);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new UncheckedIOException("cannot lock data directory " + root + " (" + lockFile + ")", e);
        } catch (RuntimeException e) {
            closeAfterFailure(channel, e);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel, Path root) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Only reachable if code outside this class locks the file in this JVM.
            throw DataDirectoryInUseException.byThisProcess(root);
        }
    }

    private static void recordOwner(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.wrap(LockOwner.currentProcess().toFileContent());
        channel.truncate(0);
        long position = 0;
        while (content.hasRemaining()) {
            position += channel.write(content, position);
        }
        channel.force(true);
    }

    private static OptionalLong ownerPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            long position = 0;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                position += read;
            }
            return LockOwner.pidIn(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Where locks are mandatory (Windows) the owner's region cannot be read; the message says so.
            return OptionalLong.empty();
        }
    }

    private static void closeAfterFailure(FileChannel channel, Exception failure) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("data directory " + root + " is closed");
        }
    }
}
