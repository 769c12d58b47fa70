package dev.salvo.daemon.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link UpstreamClient} over the JDK's {@link HttpClient}. The first-byte timeout bounds the wait for
 * response headers; the body timeout bounds reading the rest. Interrupting the caller cancels the
 * exchange (the JDK client aborts the request when its future is cancelled).
 */
public final class JdkUpstreamClient implements UpstreamClient, AutoCloseable {

    private static final Set<String> WITHOUT_BODY = Set.of("GET", "HEAD", "DELETE");

    private final HttpClient[] clients;
    private final UpstreamTimeouts timeouts;
    private final AtomicInteger next = new AtomicInteger();

    public JdkUpstreamClient(UpstreamTimeouts timeouts) {
        this(timeouts, DEFAULT_CLIENTS);
    }

    /**
     * @param clients how many {@link HttpClient}s to spread calls over. Each has one selector thread that
     *                does every socket read and write of its connections; on 2 cores it took ~7% of the
     *                samples at 2,000 calls/s, so one is enough there, but a bigger machine running a
     *                bigger daemon would queue on it. The default is one per four cores.
     */
    public JdkUpstreamClient(UpstreamTimeouts timeouts, int clients) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1");
        }
        this.timeouts = timeouts;
        this.clients = new HttpClient[clients];
        for (int i = 0; i < clients; i++) {
            this.clients[i] = HttpClient.newBuilder()
                    // HTTP/1.1: model servers speak it everywhere, and h2c upgrade attempts cost a round trip per connection
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(timeouts.firstByte())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    // The client hands every step of every exchange to its executor. The default, a cached pool of
                    // platform threads, grew to hundreds of threads at 2,000 calls in flight and cost ~190 µs of CPU
                    // per call in thread hand-offs; virtual threads cost ~105 µs (bench, warmed up, 2 cores).
                    .executor(Thread::startVirtualThread)
                    .build();
        }
    }

    static final int DEFAULT_CLIENTS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);

    private HttpClient client() {
        return clients[Math.floorMod(next.getAndIncrement(), clients.length)];
    }

    /**
     * Non-streaming call. The first-byte and body timeouts are waits of the calling virtual thread, not
     * {@link HttpRequest.Builder#timeout} timers: the JDK client keeps those in one synchronized set per
     * client that its selector thread also purges, and with 2,000 calls in flight registering and
     * cancelling them made calls queue behind each other for hundreds of milliseconds.
     */
    @Override
    public UpstreamResponse send(UpstreamRequest request) throws UpstreamException, InterruptedException {
        HttpRequest httpRequest = build(request);
        if (request.streaming()) {
            return stream(httpRequest, request.uri().getPath());
        }
        CompletableFuture<Void> headersOrEnd = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> call = client().sendAsync(httpRequest, info -> {
            headersOrEnd.complete(null);
            return HttpResponse.BodyHandlers.ofString().apply(info);
        });
        call.whenComplete((r, t) -> headersOrEnd.complete(null));
        try {
            try {
                headersOrEnd.get(timeouts.firstByte().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "no response within " + timeouts.firstByte(), e);
            }
            HttpResponse<String> response = call.get(timeouts.body().toMillis(), TimeUnit.MILLISECONDS);
            return new UpstreamResponse(response.statusCode(), response.body() == null ? "" : response.body());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "body not complete within " + timeouts.body(), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new InterruptedException("upstream call cancelled");
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    /** End of the line stream; anything else in the queue is a line or the failure that ended it. */
    private static final Object END = new Object();

    /**
     * Executes as SSE: lines arrive on a queue the calling (virtual) thread polls, so the first-event,
     * gap and whole-body timeouts are plain poll timeouts and an interrupt aborts at once.
     */
    private UpstreamResponse stream(HttpRequest httpRequest, String path) throws UpstreamException, InterruptedException {
        BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
        AtomicInteger status = new AtomicInteger();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        Flow.Subscriber<String> subscriber = new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(Long.MAX_VALUE);
            }

            public void onNext(String line) {
                lines.add(line);
            }

            public void onError(Throwable t) {
                lines.add(t);
            }

            public void onComplete() {
                lines.add(END);
            }
        };
        CompletableFuture<HttpResponse<Void>> call = client().sendAsync(httpRequest, info -> {
            status.set(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(subscriber);
        });
        call.whenComplete((r, t) -> {
            if (t != null) {
                lines.add(t);
            }
        });
        List<String> raw = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        long bodyDeadline = System.nanoTime() + timeouts.firstByte().plus(timeouts.body()).toNanos();
        Duration wait = timeouts.firstByte();
        try {
            while (true) {
                long left = Math.min(wait.toNanos(), bodyDeadline - System.nanoTime());
                Object next = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new UpstreamException(UpstreamException.Kind.TIMEOUT,
                            payloads.isEmpty() ? "no event within " + timeouts.firstByte() : "stream stalled or ran too long", null);
                }
                if (next == END) {
                    break;
                }
                if (next instanceof Throwable failure) {
                    throw classify(failure instanceof ExecutionException ? failure.getCause() : failure);
                }
                String line = (String) next;
                raw.add(line);
                if (line.startsWith("data:")) {
                    String data = line.substring(5).strip();
                    if (!data.isEmpty() && !data.equals("[DONE]")) {
                        payloads.add(data);
                    }
                    wait = timeouts.eventGap();
                }
            }
        } catch (InterruptedException | UpstreamException e) {
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
            call.cancel(true);
            throw e;
        }
        int code = status.get();
        if (code < 200 || code >= 300) {
            // An error answered without SSE framing: keep the body exactly as sent.
            return new UpstreamResponse(code, String.join("\n", raw));
        }
        Optional<UpstreamResponse> embedded = SseReassembler.embeddedError(payloads);
        return embedded.orElseGet(() -> new UpstreamResponse(code, SseReassembler.reassemble(path, payloads)));
    }

    private HttpRequest build(UpstreamRequest request) throws UpstreamException {
        try {
            // No request timeout: send() and stream() bound every wait themselves (see send).
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri());
            request.headers().forEach(builder::header);
            String method = request.method().toUpperCase(java.util.Locale.ROOT);
            if (WITHOUT_BODY.contains(method) || request.body().isEmpty()) {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                builder.method(method, HttpRequest.BodyPublishers.ofString(request.body()));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, e.getMessage(), e);
        }
    }

    private static UpstreamException classify(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, "upstream did not answer in time", cause);
        }
        if (cause instanceof IllegalArgumentException) {
            return new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, cause.getMessage(), cause);
        }
        if (cause instanceof ConnectException || cause instanceof IOException) {
            return new UpstreamException(UpstreamException.Kind.CONNECTION, String.valueOf(cause.getMessage()), cause);
        }
        return new UpstreamException(UpstreamException.Kind.CONNECTION, String.valueOf(cause), cause);
    }

    /** Closes the connections; calls still running are aborted. */
    @Override
    public void close() {
        for (HttpClient client : clients) {
            client.shutdownNow();
        }
    }
}
