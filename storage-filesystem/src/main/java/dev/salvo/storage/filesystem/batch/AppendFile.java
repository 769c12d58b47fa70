package dev.salvo.storage.filesystem.batch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One append-only file written through {@link GroupCommit}. Space is reserved under the store's lock
 * (so record order is the order of changes), the bytes are written and forced later by whichever caller
 * leads the next group commit, and readers learn through {@link #writtenLength} what is already on disk.
 */
final class AppendFile implements Closeable {

    private final Path path;
    private final FileChannel channel;
    private long reservedLength;
    private volatile long writtenLength;

    private AppendFile(Path path, FileChannel channel, long length) {
        this.path = path;
        this.channel = channel;
        this.reservedLength = length;
        this.writtenLength = length;
    }

    /** Opens an existing file, cutting it to {@code length} first (a torn tail found by recovery). */
    static AppendFile open(Path path, long length) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (channel.size() != length) {
                channel.truncate(length);
                channel.force(false);
            }
            return new AppendFile(path, channel, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reserves space at the end; the caller must submit the returned write to the group commit. */
    PendingWrite reserve(byte[] bytes) {
        PendingWrite write = new PendingWrite(this, reservedLength, bytes);
        reservedLength += bytes.length;
        return write;
    }

    long reservedLength() {
        return reservedLength;
    }

    long writtenLength() {
        return writtenLength;
    }

    Path path() {
        return path;
    }

    void write(long position, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    void markWritten(long length) {
        if (length > writtenLength) {
            writtenLength = length;
        }
    }

    /** Reads {@code length} bytes at {@code position}; they must already be written. */
    byte[] read(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException(path + " ends before byte " + (position + length));
            }
            at += read;
        }
        return buffer.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Bytes waiting to be written at a reserved position. */
    record PendingWrite(AppendFile file, long position, byte[] bytes) {
    }
}
