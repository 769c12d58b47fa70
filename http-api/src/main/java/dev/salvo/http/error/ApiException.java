package dev.salvo.http.error;

/**
 * An error answered in OpenAI's envelope: {@code {"error": {"message", "type", "param", "code"}}}.
 * Thrown by routes for anything the client did wrong or asked for and cannot have.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final boolean retryable;

    public ApiException(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, status == 503);
    }

    /** @param retryable sent as {@code x-should-retry} on 409 and 5xx answers, which SDKs otherwise retry blindly */
    public ApiException(int status, String type, String code, String param, String message, boolean retryable) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryable = retryable;
    }

    public static ApiException invalidRequest(String code, String param, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, "invalid_request_error", code, null, message);
    }

    public static ApiException unauthorized(String code, String message) {
        return new ApiException(401, "invalid_request_error", code, null, message);
    }

    public static ApiException tooLarge(String param, String message) {
        return new ApiException(413, "invalid_request_error", "payload_too_large", param, message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(403, "invalid_request_error", code, null, message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, "invalid_request_error", code, null, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public boolean retryable() {
        return retryable;
    }
}
