package dev.salvo.storage.filesystem.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Replays a framed log front to back. A damaged record is tolerated only at the very end, where a crash
 * can leave a partly written group of records that nobody was told is durable; there the scan stops and
 * {@link #validLength} says where the intact prefix ends, so the owner can cut the tail. Damage followed
 * by intact records is corruption of acknowledged data and fails loudly.
 */
final class LogScanner {

    /** Receives the JSON payload of each intact record; returns false to declare it invalid (e.g. a dangling pointer). */
    @FunctionalInterface
    interface RecordHandler {
        boolean accept(byte[] buffer, int offset, int length, long position) throws IOException;
    }

    private static final int READ = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final byte[] buffer = new byte[READ];
    private int start;
    private int end;
    private byte[] carry = new byte[256];
    private int carried;
    private long validLength;
    private boolean tornTail;

    private LogScanner(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static LogScanner scan(Path file, RecordHandler handler) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            LogScanner scanner = new LogScanner(file, channel);
            scanner.run(handler);
            return scanner;
        }
    }

    long validLength() {
        return validLength;
    }

    boolean tornTail() {
        return tornTail;
    }

    private void run(RecordHandler handler) throws IOException {
        long position = 0;
        while (true) {
            Line line = nextLine();
            if (line == null) {
                return;
            }
            boolean intact = line.complete && Framing.intact(line.bytes, line.offset, line.length);
            if (!intact || !handler.accept(line.bytes, line.offset + Framing.PREFIX, line.length - Framing.PREFIX, position)) {
                if (line.complete && hasIntactRecordAfter()) {
                    throw new IOException(file + " is corrupt at byte " + position
                            + ": a damaged record is followed by intact ones");
                }
                tornTail = true;
                return;
            }
            position += line.length + 1;
            validLength = position;
        }
    }

    private boolean hasIntactRecordAfter() throws IOException {
        while (true) {
            Line line = nextLine();
            if (line == null || !line.complete) {
                return false;
            }
            if (Framing.intact(line.bytes, line.offset, line.length)) {
                return true;
            }
        }
    }

    /** A line without its newline; {@code complete} is false for a tail that ends without one. */
    private record Line(byte[] bytes, int offset, int length, boolean complete) {
    }

    private Line nextLine() throws IOException {
        carried = 0;
        while (true) {
            if (start == end && !fill()) {
                return carried == 0 ? null : new Line(carry, 0, carried, false);
            }
            int newline = indexOfNewline(start, end);
            if (newline < 0) {
                append(start, end);
                start = end;
                continue;
            }
            Line line;
            if (carried == 0) {
                line = new Line(buffer, start, newline - start, true);
            } else {
                append(start, newline);
                line = new Line(carry, 0, carried, true);
            }
            start = newline + 1;
            return line;
        }
    }

    private boolean fill() throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer);
        int read = channel.read(target);
        if (read <= 0) {
            start = 0;
            end = 0;
            return false;
        }
        start = 0;
        end = read;
        return true;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int from, int to) {
        int length = to - from;
        if (carried + length > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carried + length));
        }
        System.arraycopy(buffer, from, carry, carried, length);
        carried += length;
    }
}
