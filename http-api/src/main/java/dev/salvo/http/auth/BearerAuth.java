package dev.salvo.http.auth;

import dev.salvo.http.error.ApiException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;

/** A before-handler for {@code /v1/*}: resolves {@code Authorization: Bearer <key>} to a {@link Principal} or answers 401. */
public final class BearerAuth implements Handler {

    private static final String ATTRIBUTE = "salvo.principal";

    private final Authenticator authenticator;

    public BearerAuth(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The most of a refused request's body read (and discarded) so that the client gets to read the 401. */
    static final long DRAIN_LIMIT = 1024 * 1024;

    @Override
    public void handle(Context ctx) {
        try {
            authenticate(ctx);
        } catch (ApiException refusal) {
            drain(ctx);
            throw refusal;
        }
    }

    private void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("missing_api_key",
                    "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("invalid_api_key", "The Authorization header must be 'Bearer YOUR_KEY'.");
        }
        Principal principal = authenticator.authenticate(header.substring(7).strip())
                .orElseThrow(() -> ApiException.unauthorized("invalid_api_key", "Incorrect API key provided."));
        ctx.attribute(ATTRIBUTE, principal);
    }

    /**
     * A client still sending a small body (a CLI streaming an upload) would otherwise meet a connection
     * closed under it before it reads the answer, and report a broken connection instead of the 401.
     * Larger bodies are left unread: the server then closes the connection, as for any refused upload.
     */
    private static void drain(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared == 0 || declared > DRAIN_LIMIT) {
            return;
        }
        try {
            InputStream body = ctx.req().getInputStream();
            body.skipNBytes(declared < 0 ? DRAIN_LIMIT : declared);
        } catch (IOException | RuntimeException e) {
            // an unreadable or shorter body: the refusal is answered all the same
        }
    }

    /** The principal the request was authenticated as; only valid on routes behind this handler. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("route is not behind BearerAuth");
        }
        return principal;
    }
}
