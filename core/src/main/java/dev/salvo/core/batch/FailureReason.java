package dev.salvo.core.batch;

import java.util.Objects;

/**
 * Why a request attempt failed. Whether a retry may help is a property of the reason, so the retry
 * policy and every adapter agree. Messages never include the upstream body (it may echo the prompt);
 * {@code body} is kept for the error file only.
 */
public sealed interface FailureReason {

    boolean retriable();

    /** Stable machine-readable code, e.g. for the OpenAI error file's {@code error.code}. */
    String code();

    String message();

    record RetriableHttpStatus(int status, String body) implements FailureReason {
        public boolean retriable() {
            return true;
        }

        public String code() {
            return "retriable_http_status";
        }

        public String message() {
            return "Upstream answered HTTP " + status + " (retriable)";
        }
    }

    record NonRetriableHttpStatus(int status, String body) implements FailureReason {
        public boolean retriable() {
            return false;
        }

        public String code() {
            return "non_retriable_http_status";
        }

        public String message() {
            return "Upstream answered HTTP " + status;
        }
    }

    record NetworkError(String error) implements FailureReason {
        public NetworkError {
            Objects.requireNonNull(error, "error");
        }

        public boolean retriable() {
            return true;
        }

        public String code() {
            return "network_error";
        }

        public String message() {
            return "Network error: " + error;
        }
    }

    record Timeout(String error) implements FailureReason {
        public Timeout {
            Objects.requireNonNull(error, "error");
        }

        public boolean retriable() {
            return true;
        }

        public String code() {
            return "timeout";
        }

        public String message() {
            return "Timed out: " + error;
        }
    }

    /** The worker executing the request died or was stopped before it produced a result. */
    record TaskTerminated() implements FailureReason {
        public boolean retriable() {
            return true;
        }

        public String code() {
            return "task_terminated";
        }

        public String message() {
            return "The request's worker stopped before it finished";
        }
    }

    /** The request could not even be built (bad URL or header): retrying cannot help. */
    record RequestBuilderError(String error) implements FailureReason {
        public RequestBuilderError {
            Objects.requireNonNull(error, "error");
        }

        public boolean retriable() {
            return false;
        }

        public String code() {
            return "invalid_request";
        }

        public String message() {
            return "The request could not be built: " + error;
        }
    }

    /** The batch's completion window ended before this request finished. */
    record BatchExpired() implements FailureReason {
        public boolean retriable() {
            return false;
        }

        public String code() {
            return "batch_expired";
        }

        public String message() {
            return "This request could not be executed before the completion window expired.";
        }
    }
}
