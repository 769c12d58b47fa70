package dev.salvo.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/** A loopback upstream answering every call with a fixed chat completion after a fixed latency. */
final class DelayedUpstream implements AutoCloseable {

    private static final byte[] BODY = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"bench\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    DelayedUpstream(Duration latency) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.createContext("/", exchange -> answer(exchange, latency));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, Duration latency) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!latency.isZero()) {
                Thread.sleep(latency);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
