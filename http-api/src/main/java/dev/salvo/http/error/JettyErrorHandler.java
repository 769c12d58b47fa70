package dev.salvo.http.error;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches a route (a malformed or ambiguous URI such as one with
 * an encoded NUL, a broken request line) in the same OpenAI envelope as everything else, instead of
 * Jetty's HTML page: SDKs parse the body of every error.
 */
public final class JettyErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String type = code >= 500 ? "server_error" : "invalid_request_error";
        String text = code >= 500 ? "The server had an error while processing your request."
                : "The request could not be understood (HTTP " + code + ").";
        String body = "{\"error\":{\"message\":\"" + text + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":\"bad_request\"}}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
