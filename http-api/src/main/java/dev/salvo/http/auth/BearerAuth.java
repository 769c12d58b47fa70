package dev.salvo.http.auth;

import dev.salvo.http.error.ApiException;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** A before-handler for {@code /v1/*}: resolves {@code Authorization: Bearer <key>} to a {@link Principal} or answers 401. */
public final class BearerAuth implements Handler {

    private static final String ATTRIBUTE = "salvo.principal";

    private final Authenticator authenticator;

    public BearerAuth(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void handle(Context ctx) {
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

    /** The principal the request was authenticated as; only valid on routes behind this handler. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("route is not behind BearerAuth");
        }
        return principal;
    }
}
