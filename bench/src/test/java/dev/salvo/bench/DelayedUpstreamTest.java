package dev.salvo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bench's loopback upstream: HTTP/1.1 framing, keep-alive, pipelining, latency, and the child-process mode. */
@Timeout(60) // a guard against a hang, not a timing assertion
class DelayedUpstreamTest {

    private static final String REQUEST_BODY = "{\"model\":\"bench\",\"messages\":[]}";

    private static String request(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Reads one response with a Content-Length body; returns status line and body. */
    private static String[] response(InputStream in) throws IOException {
        String statusLine = null;
        int length = -1;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            if (statusLine == null) {
                statusLine = line;
            } else if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return new String[] {statusLine, new String(in.readNBytes(length), StandardCharsets.UTF_8)};
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void answersPipelinedAndFragmentedRequestsInOrderOnOneKeptAliveConnection() throws Exception {
        try (DelayedUpstream upstream = new DelayedUpstream(Duration.ZERO);
             Socket socket = new Socket(upstream.baseUrl().getHost(), upstream.baseUrl().getPort())) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] three = (request(REQUEST_BODY) + request("") + request(REQUEST_BODY)).getBytes(StandardCharsets.UTF_8);
            // Byte by byte for the first request (a head and a body split at every point), then the rest in one write.
            int first = request(REQUEST_BODY).length();
            for (int i = 0; i < first; i++) {
                out.write(three[i]);
                out.flush();
            }
            out.write(three, first, three.length - first);
            out.flush();

            for (int i = 0; i < 3; i++) {
                String[] answer = response(in);
                assertThat(answer[0]).isEqualTo("HTTP/1.1 200 OK");
                assertThat(answer[1]).contains("\"object\":\"chat.completion\"");
            }
            out.write(request(REQUEST_BODY).getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(response(in)[0]).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void answersNoSoonerThanItsLatency() throws Exception {
        // A lower bound only: the server cannot answer before its deadline, however slow the machine.
        Duration latency = Duration.ofMillis(300);
        try (DelayedUpstream upstream = new DelayedUpstream(latency);
             Socket socket = new Socket(upstream.baseUrl().getHost(), upstream.baseUrl().getPort())) {
            long sent = System.nanoTime();
            socket.getOutputStream().write(request(REQUEST_BODY).getBytes(StandardCharsets.UTF_8));
            assertThat(response(socket.getInputStream())[0]).isEqualTo("HTTP/1.1 200 OK");
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(latency);
        }
    }

    @Test
    void servesManyConcurrentCallsFromTheJdkClient() throws Exception {
        try (DelayedUpstream upstream = new DelayedUpstream(Duration.ofMillis(50));
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(calls(client, upstream.baseUrl(), 500)).isEqualTo(500);
        }
    }

    @Test
    void runsAsASeparateProcess() throws Exception {
        try (UpstreamFixture upstream = UpstreamFixture.start(Duration.ZERO, true);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(calls(client, upstream.baseUrl(), 20)).isEqualTo(20);
        }
    }

    /** Sends n concurrent calls; returns how many answered 200 with the completion. */
    private static long calls(HttpClient client, URI base, int n) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST_BODY)).build();
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList().stream()
                .map(java.util.concurrent.CompletableFuture::join)
                .filter(r -> r.statusCode() == 200 && r.body().contains("\"object\":\"chat.completion\""))
                .count();
    }
}
