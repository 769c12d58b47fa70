package dev.salvo.http.support;

import dev.salvo.http.error.ApiException;
import io.javalin.http.Context;

/** Parsing of the list parameters every route shares, with OpenAI-style 400s. */
public final class QueryParams {

    private QueryParams() {
    }

    public static int limit(Context ctx, int defaultLimit, int maxLimit) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidRequest("invalid_value", "limit", "'limit' must be an integer from 1 to " + maxLimit + ".");
    }

    /** {@code true} for descending. */
    public static boolean descending(Context ctx, boolean defaultDescending) {
        String raw = ctx.queryParam("order");
        if (raw == null || raw.isEmpty()) {
            return defaultDescending;
        }
        return switch (raw) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw ApiException.invalidRequest("invalid_value", "order", "'order' must be 'asc' or 'desc'.");
        };
    }
}
