package dev.salvo.daemon.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP client against a raw socket server, so that each test controls exactly when status line,
 * headers and body bytes go out (and which connection they go out on).
 */
@Timeout(60) // a guard against a hang, not a timing assertion
class JdkUpstreamClientTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private RawServer server;
    private JdkUpstreamClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static UpstreamRequest post(URI base, String body) {
        return new UpstreamRequest(base.resolve("/v1/chat/completions"), "POST",
                Map.of("Authorization", "Bearer sk-1", "Content-Type", "application/json", "X-Salvo-Request-Id", "r-1"), body, false);
    }

    private static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    @Test
    void returnsStatusAndBodyAndSendsTheRequestAsGiven() throws Exception {
        server = RawServer.start((request, out) -> respond(out, 201, "{\"ok\":\"é\"}"));
        client = new JdkUpstreamClient(new UpstreamTimeouts(LONG, LONG, LONG));

        UpstreamResponse response = client.send(post(server.baseUrl(), "{\"model\":\"m\"}"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"ok\":\"é\"}");
        RawServer.Request received = server.requests().getFirst();
        assertThat(received.requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
        assertThat(received.headers()).containsEntry("authorization", "Bearer sk-1")
                .containsEntry("content-type", "application/json").containsEntry("x-salvo-request-id", "r-1");
        assertThat(received.body()).isEqualTo("{\"model\":\"m\"}");
    }

    @Test
    void noResponseWithinTheFirstByteTimeoutIsATimeout() throws Exception {
        server = RawServer.start((request, out) -> server.holdOpen());
        client = new JdkUpstreamClient(new UpstreamTimeouts(Duration.ofMillis(300), LONG, LONG));

        assertThatThrownBy(() -> client.send(post(server.baseUrl(), "{}")))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("no response");
                });
    }

    @Test
    void aBodyThatStallsAfterTheHeadersTimesOutOnTheBodyTimeout() throws Exception {
        server = RawServer.start((request, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\"".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            server.holdOpen();
        });
        // The first-byte timeout is long: only the body timeout, counted from the headers, can end this call.
        client = new JdkUpstreamClient(new UpstreamTimeouts(LONG, LONG, Duration.ofMillis(300)));

        assertThatThrownBy(() -> client.send(post(server.baseUrl(), "{}")))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("body");
                });
    }

    @Test
    void aRefusedConnectionFailsAsAConnectionErrorWithoutWaitingForTheFirstByteTimeout() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        client = new JdkUpstreamClient(new UpstreamTimeouts(Duration.ofHours(1), LONG, LONG));

        assertThatThrownBy(() -> client.send(post(URI.create("http://127.0.0.1:" + closedPort), "{}")))
                .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECTION));
    }

    @Test
    void interruptingTheCallerAbortsTheCallAndClosesItsConnection() throws Exception {
        // No answer; the server goes back to reading, so it sees the client close the connection.
        server = RawServer.start((request, out) -> { });
        client = new JdkUpstreamClient(new UpstreamTimeouts(LONG, LONG, LONG));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                client.send(post(server.baseUrl(), "{}"));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        server.awaitRequests(1);

        caller.interrupt();

        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        server.awaitClosedConnections(1);
    }

    @Test
    void callsAreSpreadOverTheConfiguredClients() throws Exception {
        server = RawServer.start((request, out) -> respond(out, 200, "{}"));
        client = new JdkUpstreamClient(new UpstreamTimeouts(LONG, LONG, LONG), 3);

        for (int i = 0; i < 6; i++) {
            assertThat(client.send(post(server.baseUrl(), "{\"n\":" + i + "}")).status()).isEqualTo(200);
        }

        // One after the other, a single client could have used one kept-alive connection for all six;
        // three clients have three connection pools, so each opened its own.
        assertThat(server.connections()).isGreaterThanOrEqualTo(3);
        assertThat(server.requests()).hasSize(6);
    }

    @Test
    void rejectsAClientCountBelowOne() {
        assertThatThrownBy(() -> new JdkUpstreamClient(new UpstreamTimeouts(LONG, LONG, LONG), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Accepts connections and hands each request (Content-Length bodies) to a handler writing raw bytes. */
    private static final class RawServer implements AutoCloseable {

        record Request(String requestLine, Map<String, String> headers, String body) {
        }

        interface Handler {
            void handle(Request request, OutputStream out) throws Exception;
        }

        private final ServerSocket socket;
        private final Handler handler;
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final BlockingQueue<Object> closed = new LinkedBlockingQueue<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final CountDownLatch shutdown = new CountDownLatch(1);
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        private RawServer(ServerSocket socket, Handler handler) {
            this.socket = socket;
            this.handler = handler;
        }

        static RawServer start(Handler handler) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RawServer server = new RawServer(socket, handler);
            Thread.ofVirtual().start(server::acceptLoop);
            return server;
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        int connections() {
            return connections.get();
        }

        /** For a handler: keep the connection open without answering until the server closes. */
        void holdOpen() throws InterruptedException {
            shutdown.await();
        }

        void awaitRequests(int n) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                received.take();
            }
        }

        /** Waits until the client has closed n connections (the server read end of stream on them). */
        void awaitClosedConnections(int n) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                closed.take();
            }
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket connection = socket.accept();
                    connections.incrementAndGet();
                    open.add(connection);
                    Thread.ofVirtual().start(() -> serve(connection));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                while (true) {
                    Request request = read(in);
                    if (request == null) {
                        closed.add(connection);
                        return;
                    }
                    requests.add(request);
                    received.add(request);
                    handler.handle(request, out);
                }
            } catch (Exception e) {
                closed.add(connection);
            }
        }

        /** Reads one request's head and Content-Length body; null at end of stream. */
        private static Request read(InputStream in) throws IOException {
            String requestLine = line(in);
            if (requestLine == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Request(requestLine, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String text = bytes.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                bytes.write(b);
            }
            return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            shutdown.countDown();
            socket.close();
            for (Socket connection : open) {
                connection.close();
            }
        }
    }
}
