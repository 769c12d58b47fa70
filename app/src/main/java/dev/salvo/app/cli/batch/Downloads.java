package dev.salvo.app.cli.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams a downloaded file to its destination, counting lines on the way; nothing is held in memory.
 * A failure to read is the connection's ({@link CliException.ConnectionFailed}); a failure to write is
 * the local disk's ({@link CliException.NotCompleted}).
 */
final class Downloads {

    private static final int BUFFER = 64 * 1024;

    private Downloads() {
    }

    /**
     * Writes the stream to {@code target} through a temporary file beside it, moved into place only when
     * complete: a broken download never leaves a file that looks whole.
     *
     * @return the number of lines written
     */
    static long toFile(InputStream in, Path target) {
        Path absolute = target.toAbsolutePath();
        Path temp;
        OutputStream out;
        try {
            Files.createDirectories(absolute.getParent());
            // Not Files.createTempFile: its owner-only permissions would stick to the result.
            temp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".part");
            out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        boolean moved = false;
        try {
            long lines;
            try (out) {
                lines = copy(in, (buf, n) -> out.write(buf, 0, n), target);
            } catch (IOException e) {
                throw cannotWrite(target, e);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return lines;
        } catch (IOException e) {
            throw cannotWrite(target, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /**
     * Writes the stream, UTF-8 text, to a character stream (stdout), counting lines. The writer is a
     * {@link java.io.PrintWriter}, which never throws, so every failure here is the download's.
     */
    static long toWriter(InputStream in, Writer writer) {
        long lines = 0;
        char[] buf = new char[BUFFER];
        try {
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            int n;
            while ((n = reader.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                writer.write(buf, 0, n);
            }
            writer.flush();
            return lines;
        } catch (IOException e) {
            throw new CliException.ConnectionFailed("the download broke off: " + e.getMessage(), e);
        }
    }

    private interface Sink {
        void write(byte[] buf, int n) throws IOException;
    }

    /** Reads failures become {@link CliException.ConnectionFailed}; the sink's own {@link IOException}s pass through. */
    private static long copy(InputStream in, Sink sink, Path target) throws IOException {
        long lines = 0;
        byte[] buf = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                throw new CliException.ConnectionFailed("the download" + (target == null ? "" : " of " + target.getFileName())
                        + " broke off: " + e.getMessage(), e);
            }
            if (n < 0) {
                return lines;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    lines++;
                }
            }
            sink.write(buf, n);
        }
    }

    private static CliException cannotWrite(Path target, IOException e) {
        return new CliException.NotCompleted("cannot write " + target + ": " + e, new UncheckedIOException(e));
    }
}
