package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonParser;
import dev.salvo.core.batch.RequestTemplateInput;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Read access to an immutable {@code templates.jsonl} and its {@code index.bin}.
 *
 * <p>{@code index.bin} holds, per line, its byte offset (8 bytes) and the number of its model in the
 * file's model list (4 bytes), followed by the end offset of the last line (8 bytes), all big-endian.
 * Line {@code k}'s entry is therefore at byte {@code 12k}: a seek needs no index in memory. A batch that
 * runs the templates loads the whole index once ({@link #loadIndex}), 12 bytes per template.
 */
final class TemplateFile implements Closeable {

    static final int ENTRY = 12;
    private static final int HEAD = 512;

    private final Path templates;
    private final Path index;
    private final int count;
    private final FileChannel channel;
    private volatile long[] offsets;

    private TemplateFile(Path templates, Path index, int count, FileChannel channel) {
        this.templates = templates;
        this.index = index;
        this.count = count;
        this.channel = channel;
    }

    static TemplateFile open(Path directory, int count) throws IOException {
        Path templates = directory.resolve(BatchLayout.TEMPLATES);
        return new TemplateFile(templates, directory.resolve(BatchLayout.INDEX), count,
                FileChannel.open(templates, StandardOpenOption.READ));
    }

    int count() {
        return count;
    }

    /** The file-local model number of every line; also keeps the offsets for random access. */
    int[] loadIndex() throws IOException {
        long[] lineOffsets = new long[count + 1];
        int[] models = new int[count];
        try (FileChannel in = FileChannel.open(index, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(ENTRY * 4096).order(ByteOrder.BIG_ENDIAN);
            int line = 0;
            long position = 0;
            long size = (long) ENTRY * count + 8;
            if (in.size() != size) {
                throw new IOException(index + " holds " + in.size() + " bytes, expected " + size);
            }
            while (line < count) {
                buffer.clear();
                int entries = Math.min(4096, count - line);
                buffer.limit(entries * ENTRY);
                readFully(in, buffer, position);
                buffer.flip();
                for (int i = 0; i < entries; i++) {
                    lineOffsets[line] = buffer.getLong();
                    models[line] = buffer.getInt();
                    line++;
                }
                position += (long) entries * ENTRY;
            }
            ByteBuffer end = ByteBuffer.allocate(8);
            readFully(in, end, position);
            lineOffsets[count] = end.flip().getLong();
        }
        offsets = lineOffsets;
        return models;
    }

    RequestTemplateInput read(int line) throws IOException {
        byte[] bytes = readLine(line);
        try (JsonParser p = Json.FACTORY.createParser(bytes)) {
            return TemplateCodec.read(p);
        }
    }

    String readCustomId(int line) throws IOException {
        long start = offset(line);
        long length = offset(line + 1) - start - 1;
        int head = (int) Math.min(length, HEAD);
        byte[] bytes = readAt(start, head);
        String customId = TemplateCodec.readCustomId(bytes, head);
        if (customId == TemplateCodec.INCOMPLETE) {
            return TemplateCodec.readCustomId(readLine(line), (int) length);
        }
        return customId;
    }

    byte[] readLine(int line) throws IOException {
        long start = offset(line);
        long length = offset(line + 1) - start - 1;
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IOException(templates + ": bad index entry for line " + line);
        }
        return readAt(start, (int) length);
    }

    /** Templates from {@code fromLine} on, read sequentially through their own channel. */
    Cursor cursor(long fromLine) throws IOException {
        return new Cursor(templates, fromLine >= count ? -1 : offset(Math.toIntExact(fromLine)), fromLine);
    }

    private long offset(int line) throws IOException {
        if (line < 0 || line > count) {
            throw new IOException("line " + line + " is outside " + templates);
        }
        long[] known = offsets;
        if (known != null) {
            return known[line];
        }
        // Without a loaded index (a download resumed at an offset) one entry is read from disk.
        ByteBuffer buffer = ByteBuffer.allocate(8);
        try (FileChannel in = FileChannel.open(index, StandardOpenOption.READ)) {
            readFully(in, buffer, (long) ENTRY * line);
        }
        return buffer.flip().getLong();
    }

    private byte[] readAt(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
            readFully(channel, buffer, position);
        } catch (ClosedChannelException e) {
            // Closed because its batch was unloaded while this read was under way: the file is immutable,
            // so reading it through a channel of our own gives the same bytes.
            buffer.clear();
            try (FileChannel own = FileChannel.open(templates, StandardOpenOption.READ)) {
                readFully(own, buffer, position);
            }
        }
        return buffer.array();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Sequential reader; each template parsed as it is reached, so memory does not grow with the file. */
    static final class Cursor implements Closeable {
        private final InputStream in;
        private final JsonParser parser;
        private long line;

        private Cursor(Path templates, long startOffset, long firstLine) throws IOException {
            FileChannel channel = FileChannel.open(templates, StandardOpenOption.READ);
            try {
                if (startOffset < 0) {
                    channel.position(channel.size());
                } else {
                    channel.position(startOffset);
                }
                this.in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
                this.parser = Json.FACTORY.createParser(in);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            this.line = firstLine;
        }

        /** The line number the next {@link #next} returns. */
        long line() {
            return line;
        }

        RequestTemplateInput next() throws IOException {
            RequestTemplateInput template = TemplateCodec.read(parser);
            if (template != null) {
                line++;
            }
            return template;
        }

        @Override
        public void close() throws IOException {
            try {
                parser.close();
            } finally {
                in.close();
            }
        }
    }
}
