package dev.salvo.http.batch;

import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.Caller;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.error.ApiException;
import dev.salvo.http.support.WireIds;

/**
 * Who may see what: a principal sees what it created, an admin sees everything. Anything else is
 * answered exactly like an id that does not exist, so ids cannot be probed across tenants.
 */
final class Tenancy {

    private Tenancy() {
    }

    static BatchFile visible(Principal principal, BatchFile file) {
        if (!caller(principal).sees(file.uploadedBy())) {
            throw ApiException.notFound("file_not_found", "No such file: '" + WireIds.file(file.id()) + "'.");
        }
        return file;
    }

    /** The owner to filter lists by: the principal's own things, or (for an admin) everyone's. */
    static String listOwner(Principal principal) {
        return caller(principal).listOwner();
    }

    /** The domain's view of who asks ({@link Caller} holds the visibility rule). */
    static Caller caller(Principal principal) {
        return new Caller(principal.id(), principal.admin());
    }
}
