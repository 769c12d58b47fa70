package dev.salvo.http.checkpoint;

import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.error.ApiException;

/**
 * The tenancy of checkpoint threads: a principal's thread ids name threads it owns in the store, as
 * {@link ThreadKey}{@code (principal id, thread id)}. The store scopes every read, write and listing to
 * that owner, so no principal can name or list a thread of another (which answers 404, as an unknown
 * thread does). A client thread id over HTTP is at most {@value #MAX_CLIENT_ID} characters of the id
 * alphabet, as it always was on this API.
 */
final class TenantThreads {

    static final int MAX_CLIENT_ID = 64;

    private TenantThreads() {
    }

    static ThreadKey key(Principal principal, String clientThreadId) {
        requireClientId(clientThreadId, "thread_id");
        return ThreadKey.of(owner(principal), clientThreadId);
    }

    /** The store owner of everything this principal saves: its id ({@code [a-z0-9_-]{1,63}}, a valid owner). */
    static String owner(Principal principal) {
        return principal.id();
    }

    static String requireClientId(String id, String param) {
        if (id == null || id.length() > MAX_CLIENT_ID || !CheckpointIds.isValid(id)) {
            throw ApiException.invalidRequest("invalid_id", param,
                    "'" + param + "' must be 1-" + MAX_CLIENT_ID + " characters from [A-Za-z0-9_.:-] and not '.' or '..'.");
        }
        return id;
    }
}
