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
public final class JdkUpstreamClient implements UpstreamClient {

    private static final Set<String> WITHOUT_BODY = Set.of("GET", "HEAD", "DELETE");

    private final HttpClient http;
    private final UpstreamTimeouts timeouts;

    public JdkUpstreamClient(UpstreamTimeouts timeouts) {
        this.timeouts = timeouts;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: model servers speak it everywhere, and h2c upgrade attempts cost a round trip per connection
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.firstByte())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) throws UpstreamException, InterruptedException {
        HttpRequest httpRequest = build(request);
        if (request.streaming()) {
            return stream(httpRequest, request.uri().getPath());
        }
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString());
        Duration total = timeouts.firstByte().plus(timeouts.body());
        try {
            HttpResponse<String> response = call.get(total.toMillis(), TimeUnit.MILLISECONDS);
            return new UpstreamResponse(response.statusCode(), response.body() == null ? "" : response.body());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "no complete response within " + total, e);
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
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(httpRequest, info -> {
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
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(timeouts.firstByte());
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
}
