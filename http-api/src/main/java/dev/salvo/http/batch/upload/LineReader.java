package dev.salvo.http.batch.upload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines ({@code \n}, with an optional {@code \r} before it) without ever holding
 * more than one line plus a read buffer, and refuses a line longer than the limit as soon as it is seen.
 */
final class LineReader {

    /** A line was longer than the limit; {@code lineNumber} is 1-based. */
    static final class LineTooLongException extends IOException {
        final long lineNumber;

        LineTooLongException(long lineNumber, int limit) {
            super("Line " + lineNumber + ": longer than " + limit + " bytes.");
            this.lineNumber = lineNumber;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[4096];
    private int lineLength;
    private long lineNumber;
    private boolean eof;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads the next line into {@link #bytes()} / {@link #length()}. @return false at the end of the stream */
    boolean next() throws IOException {
        if (eof) {
            return false;
        }
        lineLength = 0;
        lineNumber++;
        while (true) {
            if (chunkPos == chunkEnd) {
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    eof = true;
                    // A last line without a newline is still a line; nothing at all after the last newline is not.
                    if (lineLength > maxLineBytes) {
                        throw new LineTooLongException(lineNumber, maxLineBytes);
                    }
                    return lineLength > 0;
                }
                chunkPos = 0;
                chunkEnd = n;
            }
            int newline = -1;
            for (int i = chunkPos; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int stop = newline >= 0 ? newline : chunkEnd;
            append(chunkPos, stop - chunkPos);
            chunkPos = newline >= 0 ? newline + 1 : chunkEnd;
            if (newline >= 0) {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                if (lineLength > maxLineBytes) {
                    throw new LineTooLongException(lineNumber, maxLineBytes);
                }
                return true;
            }
        }
    }

    private void append(int from, int n) throws LineTooLongException {
        // +1 leaves room for the '\r' that a line exactly at the limit may still carry.
        if (lineLength + n > maxLineBytes + 1) {
            throw new LineTooLongException(lineNumber, maxLineBytes);
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(chunk, from, line, lineLength, n);
        lineLength += n;
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return lineLength;
    }

    /** 1-based number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }
}
