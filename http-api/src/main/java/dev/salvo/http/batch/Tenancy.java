package dev.salvo.http.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
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
        if (!principal.admin() && !principal.id().equals(file.uploadedBy())) {
            throw ApiException.notFound("file_not_found", "No such file: '" + WireIds.file(file.id()) + "'.");
        }
        return file;
    }

    static Batch visible(Principal principal, Batch batch) {
        if (!principal.admin() && !principal.id().equals(batch.createdBy())) {
            throw ApiException.notFound("batch_not_found", "No such batch: '" + WireIds.batch(batch.id()) + "'.");
        }
        return batch;
    }

    /** The owner to filter lists by: the principal's own things, or (for an admin) everyone's. */
    static String listOwner(Principal principal) {
        return principal.admin() ? null : principal.id();
    }
}
