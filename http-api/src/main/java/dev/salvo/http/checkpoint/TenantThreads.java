package dev.salvo.http.checkpoint;

import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.error.ApiException;
import java.util.Optional;

/**
 * Maps a principal's thread ids to store thread ids and back: {@code <principal>:<thread>}. Principal
 * ids never contain {@code :}, so the first colon separates the two and no principal can name a thread
 * of another. A client thread id may be up to {@value #MAX_CLIENT_ID} characters so that, with a
 * principal id of up to 63, the store id stays within {@link CheckpointIds#MAX_LENGTH}.
 */
final class TenantThreads {

    static final int MAX_CLIENT_ID = 64;

    private TenantThreads() {
    }

    static String storeId(Principal principal, String clientThreadId) {
        requireClientId(clientThreadId, "thread_id");
        return principal.id() + ":" + clientThreadId;
    }

    static Optional<String> clientId(Principal principal, String storeThreadId) {
        String prefix = principal.id() + ":";
        return storeThreadId.startsWith(prefix)
                ? Optional.of(storeThreadId.substring(prefix.length()))
                : Optional.empty();
    }

    static String prefix(Principal principal) {
        return principal.id() + ":";
    }

    static String requireClientId(String id, String param) {
        if (id == null || id.length() > MAX_CLIENT_ID || !CheckpointIds.isValid(id)) {
            throw ApiException.invalidRequest("invalid_id", param,
                    "'" + param + "' must be 1-" + MAX_CLIENT_ID + " characters from [A-Za-z0-9_.:-] and not '.' or '..'.");
        }
        return id;
    }
}
