package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailureReasonTest {

    @Test
    void retriableHttpStatus() {
        FailureReason r = new FailureReason.RetriableHttpStatus(503, "{\"prompt\":\"secret\"}");
        assertThat(r.retriable()).isTrue();
        assertThat(r.code()).isEqualTo("retriable_http_status");
        assertThat(r.message()).isEqualTo("Upstream answered HTTP 503 (retriable)");
    }

    @Test
    void nonRetriableHttpStatus() {
        FailureReason r = new FailureReason.NonRetriableHttpStatus(400, "{\"prompt\":\"secret\"}");
        assertThat(r.retriable()).isFalse();
        assertThat(r.code()).isEqualTo("non_retriable_http_status");
        assertThat(r.message()).isEqualTo("Upstream answered HTTP 400");
    }

    @Test
    void networkError() {
        FailureReason r = new FailureReason.NetworkError("connection refused");
        assertThat(r.retriable()).isTrue();
        assertThat(r.code()).isEqualTo("network_error");
        assertThat(r.message()).isEqualTo("Network error: connection refused");
        assertThatThrownBy(() -> new FailureReason.NetworkError(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void timeout() {
        FailureReason r = new FailureReason.Timeout("no first byte after 30s");
        assertThat(r.retriable()).isTrue();
        assertThat(r.code()).isEqualTo("timeout");
        assertThat(r.message()).isEqualTo("Timed out: no first byte after 30s");
        assertThatThrownBy(() -> new FailureReason.Timeout(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void taskTerminated() {
        FailureReason r = new FailureReason.TaskTerminated();
        assertThat(r.retriable()).isTrue();
        assertThat(r.code()).isEqualTo("task_terminated");
        assertThat(r.message()).isEqualTo("The request's worker stopped before it finished");
    }

    @Test
    void requestBuilderError() {
        FailureReason r = new FailureReason.RequestBuilderError("bad URL");
        assertThat(r.retriable()).isFalse();
        assertThat(r.code()).isEqualTo("invalid_request");
        assertThat(r.message()).isEqualTo("The request could not be built: bad URL");
        assertThatThrownBy(() -> new FailureReason.RequestBuilderError(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void batchExpired() {
        FailureReason r = new FailureReason.BatchExpired();
        assertThat(r.retriable()).isFalse();
        assertThat(r.code()).isEqualTo("batch_expired");
        assertThat(r.message()).isEqualTo("This request could not be executed before the completion window expired.");
    }

    @Test
    void messagesNeverCarryTheUpstreamBody() {
        assertThat(new FailureReason.RetriableHttpStatus(500, "SECRET-PROMPT").message()).doesNotContain("SECRET");
        assertThat(new FailureReason.NonRetriableHttpStatus(422, "SECRET-PROMPT").message()).doesNotContain("SECRET");
    }
}
