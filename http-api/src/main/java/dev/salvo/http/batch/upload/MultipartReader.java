package dev.salvo.http.batch.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body one part at a time, each part's bytes streamed as they
 * arrive. Servlet multipart support parses the whole body (spooling it to disk) before a handler sees
 * the first part; an upload must instead flow straight into storage, and be refused at its first bad
 * line without reading the rest.
 *
 * <p>Not thread-safe. A part's stream must be read (or abandoned) before {@link #next()} is called again;
 * abandoned bytes are skipped.
 */
public final class MultipartReader {

    /** The body is not well-formed multipart: it ended early, or a part's headers are broken. */
    public static final class MalformedException extends IOException {
        public MalformedException(String message) {
            super(message);
        }
    }

    /** One part: its form field name, the filename if it is a file, and its bytes. */
    public record Part(String name, String filename, InputStream body) {
    }

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]{1,200})\"|([^;\\s]{1,200}))");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");
    private static final int MAX_HEADER_LINE = 8 * 1024;
    private static final int MAX_HEADER_LINES = 32;

    private final InputStream in;
    /** {@code CRLF--boundary}: what ends every part. */
    private final byte[] delimiter;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private boolean eof;
    private boolean finished;
    private PartStream current;

    private MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter has no CRLF before it; pretending it has one makes every delimiter alike.
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
    }

    /** @return the boundary named by a {@code multipart/form-data} content type, or empty for any other type */
    public static Optional<String> boundary(String contentType) {
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
    }

    public static MultipartReader open(InputStream in, String boundary) {
        return new MultipartReader(in, boundary);
    }

    /** The next part, or empty after the closing boundary. */
    public Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        // Skip whatever is left of the previous part (or the preamble before the first one).
        PartStream rest = current != null ? current : new PartStream();
        rest.skipToEnd();
        current = null;
        // After a delimiter: "--" closes the body, otherwise CRLF and the next part's headers.
        if (!ensure(2)) {
            throw new MalformedException("The multipart body ended before its closing boundary.");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            finished = true;
            return Optional.empty();
        }
        String line = readHeaderLine();
        if (!line.isBlank()) {
            throw new MalformedException("Unexpected bytes after a multipart boundary.");
        }
        String disposition = null;
        for (int n = 0; ; n++) {
            if (n == MAX_HEADER_LINES) {
                throw new MalformedException("A multipart part has too many headers.");
            }
            String header = readHeaderLine();
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                disposition = header.substring(colon + 1);
            }
        }
        if (disposition == null) {
            throw new MalformedException("A multipart part has no Content-Disposition header.");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) {
            throw new MalformedException("A multipart part has no field name.");
        }
        Matcher filename = FILENAME.matcher(disposition);
        current = new PartStream();
        return Optional.of(new Part(name.group(1), filename.find() ? filename.group(1) : null, current));
    }

    /** A header line without its CRLF, decoded as UTF-8 (browsers and SDKs send UTF-8 filenames raw). */
    private String readHeaderLine() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i + 1 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return line;
                }
            }
            // Offsets from pos survive the compaction in fill().
            scanned = Math.max(0, end - pos - 1);
            if (end - pos > MAX_HEADER_LINE) {
                throw new MalformedException("A multipart header line is too long.");
            }
            if (!fill()) {
                throw new MalformedException("The multipart body ended inside a part's headers.");
            }
        }
    }

    /** Makes at least {@code n} unread bytes available, unless the body ends first. */
    private boolean ensure(int n) throws IOException {
        while (end - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Reads more bytes, compacting the buffer first. @return false at the end of the body */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        if (end == buf.length) {
            throw new IllegalStateException("buffer full"); // unreachable: lines and delimiters are far shorter
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    /** Index of the delimiter in the unread bytes, or -1. */
    private int findDelimiter() {
        byte first = delimiter[0];
        int last = end - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's bytes: everything up to the next delimiter, which it consumes at the end. */
    private final class PartStream extends InputStream {

        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = findDelimiter();
                if (at == pos) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                }
                // Bytes before the delimiter, or those that cannot be the start of one, are the part's.
                int safe = at >= 0 ? at : end - delimiter.length + 1;
                if (safe > pos) {
                    int n = Math.min(len, safe - pos);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!fill()) {
                    throw new MalformedException("The multipart body ended before its closing boundary.");
                }
            }
        }

        void skipToEnd() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }
}
