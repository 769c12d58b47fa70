package dev.salvo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A loopback upstream answering every call with a fixed chat completion after a fixed latency.
 *
 * <p>One NIO selector thread serves every connection with keep-alive, and the latency is a deadline
 * queue the same thread drains: no thread waits per call. The fixture shares the bench's 2 cores with
 * the daemon it measures, so it must cost next to nothing; {@code com.sun.net.httpserver} did not (one
 * dispatcher, a sleeping thread per call, and at most 200 idle keep-alive connections, so with 2,000
 * in flight most calls paid a new connection and some raced a server-side close and were retried).
 *
 * <p>{@link #main} runs it as a separate process ({@code --upstream-process true} in {@link BenchMain}).
 */
final class DelayedUpstream implements AutoCloseable {

    private static final byte[] BODY = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"bench\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + BODY.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), BODY);
    private static final int MAX_HEAD = 64 * 1024;

    private final long latencyNanos;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    /** Calls waiting for their answer; all share one latency, so arrival order is deadline order. */
    private final ArrayDeque<Due> due = new ArrayDeque<>();
    private volatile boolean closed;

    private record Due(long atNanos, Connection connection) {
    }

    /** Per connection: the bytes of a request not yet complete, and answers not yet fully written. */
    private static final class Connection {
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer out;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    DelayedUpstream(Duration latency) throws IOException {
        latencyNanos = latency.toNanos();
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 8192);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = Thread.ofPlatform().name("bench-upstream").daemon().start(this::run);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.socket().getLocalPort());
    }

    private void run() {
        try {
            while (!closed) {
                long timeoutMillis = 0; // 0 = until something happens
                Due head = due.peekFirst();
                if (head != null) {
                    timeoutMillis = Math.max(1, (head.atNanos() - System.nanoTime() + 999_999) / 1_000_000);
                }
                selector.select(timeoutMillis);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Connection c = (Connection) key.attachment();
                        if (key.isReadable()) {
                            read(key, c);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(key, c);
                        }
                    }
                }
                long now = System.nanoTime();
                while (!due.isEmpty() && due.peekFirst().atNanos() - now <= 0) {
                    answer(due.pollFirst().connection());
                }
            }
        } catch (IOException e) {
            if (!closed) {
                throw new IllegalStateException("bench upstream failed", e);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
        }
    }

    private void read(SelectionKey key, Connection c) {
        try {
            int n;
            do {
                if (!c.in.hasRemaining()) {
                    if (c.in.capacity() >= MAX_HEAD * 16) {
                        throw new IOException("request too large for the bench upstream");
                    }
                    c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
                }
                n = c.channel.read(c.in);
            } while (n > 0);
            parse(c);
            if (n < 0) {
                close(key);
            }
        } catch (IOException e) {
            close(key);
        }
    }

    /** Takes every complete request out of the input buffer (the JDK client sends Content-Length bodies). */
    private void parse(Connection c) throws IOException {
        ByteBuffer in = c.in;
        in.flip();
        while (true) {
            int headEnd = headEnd(in);
            if (headEnd < 0) {
                if (in.remaining() > MAX_HEAD) {
                    throw new IOException("request head too large");
                }
                break;
            }
            long length = contentLength(in, headEnd);
            if (in.limit() < headEnd + length) {
                break;
            }
            in.position((int) (headEnd + length));
            if (latencyNanos == 0) {
                answer(c);
            } else {
                due.addLast(new Due(System.nanoTime() + latencyNanos, c));
            }
        }
        in.compact();
    }

    /** Index just past the blank line ending the head, or -1 when it has not fully arrived. */
    private static int headEnd(ByteBuffer in) {
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "\r\ntransfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    /** Scans the head's bytes in place: decoding every head to a String was over half of this fixture's CPU. */
    private static long contentLength(ByteBuffer in, int headEnd) throws IOException {
        if (find(in, TRANSFER_ENCODING, headEnd) >= 0) {
            throw new IOException("chunked request bodies are not supported by the bench upstream");
        }
        int at = find(in, CONTENT_LENGTH, headEnd);
        if (at < 0) {
            return 0;
        }
        long length = 0;
        for (int i = at + CONTENT_LENGTH.length; i < headEnd; i++) {
            byte b = in.get(i);
            if (b >= '0' && b <= '9') {
                length = length * 10 + (b - '0');
            } else if (b == '\r') {
                break;
            } else if (b != ' ' && b != '\t') {
                throw new IOException("bad Content-Length");
            }
        }
        return length;
    }

    /** Index of a lower-case ASCII needle in [position, end), matched case-insensitively; -1 if absent. */
    private static int find(ByteBuffer in, byte[] needle, int end) {
        outer:
        for (int i = in.position(); i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                byte b = in.get(i + j);
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void answer(Connection c) {
        SelectionKey key = c.channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return; // the client went away while the call was waiting
        }
        if (c.out == null) {
            c.out = ByteBuffer.wrap(RESPONSE);
        } else {
            ByteBuffer more = ByteBuffer.allocate(c.out.remaining() + RESPONSE.length);
            c.out = more.put(c.out).put(RESPONSE).flip();
        }
        flush(key, c);
    }

    private void flush(SelectionKey key, Connection c) {
        try {
            if (c.out != null) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    c.out = null;
                }
            }
            key.interestOps(c.out == null ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } catch (IOException e) {
            close(key);
        }
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing a dead loopback connection: nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5000);
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            server.close();
        } catch (IOException | InterruptedException e) {
            // best effort: the bench is ending anyway
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Runs the upstream as its own process: {@code DelayedUpstream <latency-millis>}. Prints its base URL
     * on the first line of standard output and serves until standard input closes.
     */
    public static void main(String[] args) throws IOException {
        try (DelayedUpstream upstream = new DelayedUpstream(Duration.ofMillis(Long.parseLong(args[0])))) {
            System.out.println(upstream.baseUrl());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (stdin.readLine() != null) {
                // parent still there
            }
        }
    }
}
