package dev.salvo.daemon.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
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
                .connectTimeout(timeouts.firstByte())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) throws UpstreamException, InterruptedException {
        HttpRequest httpRequest = build(request);
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
