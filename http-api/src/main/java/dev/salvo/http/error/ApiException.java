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

    public ApiException(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
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
}
