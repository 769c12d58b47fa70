package dev.salvo.storage.filesystem.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;

/**
 * Crash-safe file replacement: a reader (or a restart after a crash) sees either the old file or the
 * complete new one under the target name, never a partial write.
 *
 * <p>The protocol is the classic one: write a temporary file in the target's own directory (a rename is
 * only atomic within one filesystem), {@code force} its data, rename it over the target with
 * {@code ATOMIC_MOVE}, then fsync the directory so the rename itself survives a power loss.
 * {@link #publish} stops before the directory fsync so that a caller placing several files in one
 * directory pays for a single {@link #syncDirectory} at the end.
 *
 * <p>Temporary files are named {@code .<target name>.<random>.tmp}; a crash can leave them behind and
 * {@link #isTemporaryFile} lets the owner of a directory recognise and delete them.
 */
public final class AtomicFiles {

    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".tmp";

    // The JDK cannot open a directory as a FileChannel on Windows (CreateFile would need
    // FILE_FLAG_BACKUP_SEMANTICS, which the JDK does not pass), so there is no directory fsync to issue
    // there; NTFS records the rename in its metadata journal instead.
    private static final boolean DIRECTORY_SYNC_SUPPORTED =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    /** Writes a file's content to a stream; the stream must not be closed by the writer. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** {@link #publish(Path, byte[])} followed by an fsync of the target's directory: durable on return. */
    public static void writeDurably(Path target, byte[] content) throws IOException {
        publish(target, content);
        syncDirectory(parentOf(target));
    }

    /** {@link #publish(Path, ContentWriter)} followed by an fsync of the target's directory: durable on return. */
    public static void writeDurably(Path target, ContentWriter content) throws IOException {
        publish(target, content);
        syncDirectory(parentOf(target));
    }

    /**
     * Atomically replaces {@code target} with {@code content}, whose bytes are on disk before the rename.
     * The rename is durable only after the caller runs {@link #syncDirectory} on the target's directory.
     */
    public static void publish(Path target, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        publishWith(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** As {@link #publish(Path, byte[])}, with the content streamed by {@code content}. */
    public static void publish(Path target, ContentWriter content) throws IOException {
        Objects.requireNonNull(content, "content");
        publishWith(target, channel -> {
            OutputStream out = Channels.newOutputStream(channel);
            content.writeTo(out);
            out.flush();
        });
    }

    /** Makes the creations, renames and deletions of entries in {@code directory} durable. */
    public static void syncDirectory(Path directory) throws IOException {
        if (!DIRECTORY_SYNC_SUPPORTED) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Whether {@code file} is a temporary file left by an interrupted {@link #publish}. */
    public static boolean isTemporaryFile(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX) && name.length() > TEMP_PREFIX.length() + TEMP_SUFFIX.length();
    }

    private static void publishWith(Path target, ChannelWriter writer) throws IOException {
        Path directory = parentOf(target);
        Path temp = Files.createTempFile(directory, TEMP_PREFIX + target.getFileName() + ".", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writer.write(channel);
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("target has no parent directory: " + target);
        }
        return parent;
    }

    @FunctionalInterface
    private interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }
}
