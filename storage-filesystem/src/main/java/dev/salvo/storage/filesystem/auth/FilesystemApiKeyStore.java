package dev.salvo.storage.filesystem.auth;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyRules;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import dev.salvo.storage.filesystem.auth.KeyFileCodec.StoredKey;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiKeyStore} on local disk: one file per key, {@code <data-dir>/keys/<key-id>.json}, holding the
 * SHA-256 digest of the secret (never the secret).
 *
 * <p><b>Outside the data directory lock.</b> Unlike the other filesystem adapters this store does not
 * need to own the data directory, so {@code salvo keys create} can add a key while {@code salvo serve}
 * runs on the same directory. It gets there by keeping its own rules:
 * <ul>
 *   <li>Every file is written whole: temp file, fsync, atomic rename, directory fsync. A reader sees the
 *       old file or the new one, never a torn one.</li>
 *   <li>Writers (create, revoke) serialise on {@code keys/.lock}, an operating-system lock held only for
 *       the write, plus a lock per directory inside this JVM (POSIX locks belong to the process). Under it
 *       a writer re-reads the directory, so a digest stored by another process is a conflict here too,
 *       and the first revocation's time is kept.</li>
 *   <li>Readers keep an in-memory index and refresh it when the directory changes: every call compares the
 *       directory's modification time with the one seen at the last scan. Changes that land within the
 *       timestamp granularity of that scan are caught by rescanning until the scan is safely newer than
 *       the directory time (2 s), and a full rescan happens at least every 10 s whatever the times say.
 *       Only files whose size or time changed are parsed again.</li>
 * </ul>
 *
 * <p>The only value that becomes a file name is an {@link ApiKeyId}'s canonical UUID text, checked again
 * before use; principal names and hints only ever go inside the JSON. Files whose names are not key ids
 * are ignored, and a key file that cannot be read is skipped (it authenticates nothing) with one warning.
 */
public final class FilesystemApiKeyStore implements ApiKeyStore, AutoCloseable {

    /** The directory below the data directory that holds the key files. */
    public static final String DIRECTORY = "keys";
    static final String LOCK_FILE = ".lock";
    private static final String SUFFIX = ".json";
    private static final Pattern FILE_NAME = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.json");
    private static final long RACY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long MAX_INDEX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Comparator<ApiKey> LIST_ORDER = Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id);
    private static final Logger LOG = LoggerFactory.getLogger(FilesystemApiKeyStore.class);

    /** Writers in this JVM, one lock per key directory (by real path). */
    private static final ConcurrentHashMap<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Clock clock;
    private final KeyFileCodec codec = new KeyFileCodec();
    private final ReentrantLock writer;
    private final Object refreshLock = new Object();
    private volatile Index index = Index.EMPTY;
    private volatile boolean closed;

    private FilesystemApiKeyStore(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        this.writer = WRITERS.computeIfAbsent(directory, d -> new ReentrantLock());
    }

    /**
     * A store over {@code <dataDirectory>/keys}, creating both directories if needed. Takes no lock on the
     * data directory: any number of instances and processes may open the same one.
     */
    public static FilesystemApiKeyStore open(Path dataDirectory, Clock clock) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(clock, "clock");
        Path keys;
        try {
            Path root = dataDirectory.toAbsolutePath().normalize();
            boolean rootExisted = Files.isDirectory(root);
            Files.createDirectories(root);
            root = root.toRealPath();
            if (!rootExisted && root.getParent() != null) {
                AtomicFiles.syncDirectory(root.getParent());
            }
            keys = root.resolve(DIRECTORY);
            if (!Files.isDirectory(keys)) {
                Files.createDirectories(keys);
                AtomicFiles.syncDirectory(root);
            }
            keys = keys.toRealPath();
        } catch (IOException e) {
            throw new ApiKeyStoreException.Backend("cannot create the key directory in " + dataDirectory + ": " + e.getMessage(), e);
        }
        FilesystemApiKeyStore store = new FilesystemApiKeyStore(keys, clock);
        store.refresh(true);
        return store;
    }

    /** The directory holding the key files. */
    public Path directory() {
        return directory;
    }

    @Override
    public ApiKey create(NewApiKey key) {
        ApiKeyRules.validate(key);
        return writing("create a key", () -> {
            Index current = refresh(true);
            if (current.idByDigest.containsKey(key.digest())) {
                throw new ApiKeyStoreException.Conflict("a key with this digest is already stored");
            }
            ApiKey created = ApiKeyRules.newKey(key, clock);
            write(new StoredKey(created, key.digest()));
            refresh(true);
            LOG.info("Created API key {} for principal '{}'{}", created.id(), created.principal(), created.admin() ? " (admin)" : "");
            return created;
        });
    }

    @Override
    public Optional<ApiKey> findByDigest(ApiKeyDigest digest) {
        if (digest == null) {
            return Optional.empty();
        }
        Index current = current();
        ApiKeyId id = current.idByDigest.get(digest);
        return Optional.ofNullable(id == null ? null : current.byId.get(id)).filter(k -> !k.revoked());
    }

    @Override
    public Optional<ApiKey> get(ApiKeyId id) {
        return id == null ? Optional.empty() : Optional.ofNullable(current().byId.get(id));
    }

    @Override
    public List<ApiKey> list() {
        return current().sorted;
    }

    @Override
    public ApiKey revoke(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        Path file = fileOf(id);
        return writing("revoke key " + id, () -> {
            StoredKey stored;
            try {
                stored = codec.decode(Files.readAllBytes(file), id);
            } catch (NoSuchFileException e) {
                throw new ApiKeyStoreException.NotFound(id);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalArgumentException e) {
                throw new ApiKeyStoreException.Backend("key file " + file + " cannot be read: " + e.getMessage(), e);
            }
            if (stored.key().revoked()) {
                return stored.key();
            }
            ApiKey revoked = stored.key().revoke(ApiKeyRules.now(clock));
            write(new StoredKey(revoked, stored.digest()));
            refresh(true);
            LOG.info("Revoked API key {} of principal '{}'", id, revoked.principal());
            return revoked;
        });
    }

    /** Further calls fail with {@link ApiKeyStoreException.Backend}. Holds no open files; idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FilesystemApiKeyStore[" + directory + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- reading

    private Index current() {
        ensureOpen();
        return refresh(false);
    }

    /**
     * The index, rescanned first if {@code force}d or if the directory may have changed since the last scan.
     */
    private Index refresh(boolean force) {
        Index seen = index;
        if (!force && !seen.mayBeStale(directoryTime(), System.nanoTime())) {
            return seen;
        }
        synchronized (refreshLock) {
            Index latest = index;
            if (!force && latest != seen && !latest.mayBeStale(directoryTime(), System.nanoTime())) {
                return latest;
            }
            Index scanned = scan(latest);
            index = scanned;
            return scanned;
        }
    }

    private FileTime directoryTime() {
        try {
            return Files.getLastModifiedTime(directory);
        } catch (NoSuchFileException e) {
            return FileTime.fromMillis(0);
        } catch (IOException e) {
            throw new ApiKeyStoreException.Backend("cannot read key directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private Index scan(Index previous) {
        long startedNanos = System.nanoTime();
        long startedMillis = System.currentTimeMillis();
        // Read the directory time before listing: a change after this point makes the next check see a newer time.
        FileTime directoryTime = directoryTime();
        Map<String, Entry> entries = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!FILE_NAME.matcher(name).matches()) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                Stamp stamp = new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
                Entry known = previous.entries.get(name);
                entries.put(name, known != null && known.stamp.equals(stamp) ? known : read(file, name, stamp));
            }
        } catch (NoSuchFileException e) {
            // the directory was removed: no keys
        } catch (IOException e) {
            throw new ApiKeyStoreException.Backend("cannot list key directory " + directory + ": " + e.getMessage(), e);
        }
        boolean racy = startedMillis - directoryTime.toMillis() < TimeUnit.NANOSECONDS.toMillis(RACY_WINDOW_NANOS);
        return Index.of(entries, directoryTime, racy, startedNanos);
    }

    private Entry read(Path file, String name, Stamp stamp) {
        ApiKeyId id = ApiKeyId.parse(name.substring(0, name.length() - SUFFIX.length()));
        try {
            return new Entry(stamp, codec.decode(Files.readAllBytes(file), id));
        } catch (NoSuchFileException e) {
            return new Entry(stamp, null);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring key file {}: {}", file, e.getMessage());
            return new Entry(stamp, null);
        }
    }

    // ---------------------------------------------------------------- writing

    private <T> T writing(String action, Supplier<T> work) {
        ensureOpen();
        writer.lock();
        try (FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            removeLeftoverTemporaryFiles();
            return work.get();
        } catch (IOException | UncheckedIOException e) {
            throw new ApiKeyStoreException.Backend("cannot " + action + " in " + directory + ": " + e.getMessage(), e);
        } finally {
            writer.unlock();
        }
    }

    private void write(StoredKey stored) {
        try {
            AtomicFiles.writeDurably(fileOf(stored.key().id()), codec.encode(stored));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only called under the write lock, when no writer can be between creating and renaming its temp file. */
    private void removeLeftoverTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path file : files) {
                if (AtomicFiles.isTemporaryFile(file)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The file of a key: its canonical UUID text plus {@code .json}, directly in the key directory. */
    private Path fileOf(ApiKeyId id) {
        String name = id.toString() + SUFFIX;
        Path file = directory.resolve(name);
        if (!FILE_NAME.matcher(name).matches() || !directory.equals(file.getParent())) {
            throw new IllegalArgumentException("not a key file name: " + name);
        }
        return file;
    }

    private void ensureOpen() {
        if (closed) {
            throw new ApiKeyStoreException.Backend("the key store over " + directory + " is closed", null);
        }
    }

    // ---------------------------------------------------------------- index

    private record Stamp(long size, FileTime modified, Object fileKey) {
    }

    /** One key file as last read; {@code stored} is null if it could not be read. */
    private record Entry(Stamp stamp, StoredKey stored) {
    }

    private static final class Index {

        static final Index EMPTY = new Index(Map.of(), FileTime.fromMillis(-1), true, 0);

        final Map<String, Entry> entries;
        final Map<ApiKeyId, ApiKey> byId;
        final Map<ApiKeyDigest, ApiKeyId> idByDigest;
        final List<ApiKey> sorted;
        final FileTime directoryTime;
        final boolean racy;
        final long scannedAtNanos;

        private Index(Map<String, Entry> entries, FileTime directoryTime, boolean racy, long scannedAtNanos) {
            this.entries = entries;
            this.directoryTime = directoryTime;
            this.racy = racy;
            this.scannedAtNanos = scannedAtNanos;
            Map<ApiKeyId, ApiKey> ids = new HashMap<>();
            Map<ApiKeyDigest, ApiKeyId> digests = new HashMap<>();
            List<ApiKey> keys = new ArrayList<>();
            for (Entry entry : entries.values()) {
                if (entry.stored() != null) {
                    ApiKey key = entry.stored().key();
                    ids.put(key.id(), key);
                    keys.add(key);
                    // Two files with one digest can only come from outside Salvo; the older key wins, deterministically.
                    digests.merge(entry.stored().digest(), key.id(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
            keys.sort(LIST_ORDER);
            this.byId = Map.copyOf(ids);
            this.idByDigest = Map.copyOf(digests);
            this.sorted = List.copyOf(keys);
        }

        static Index of(Map<String, Entry> entries, FileTime directoryTime, boolean racy, long scannedAtNanos) {
            return new Index(Map.copyOf(entries), directoryTime, racy, scannedAtNanos);
        }

        boolean mayBeStale(FileTime currentDirectoryTime, long nowNanos) {
            return racy || !currentDirectoryTime.equals(directoryTime) || nowNanos - scannedAtNanos > MAX_INDEX_AGE_NANOS;
        }
    }
}
