package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.BatchStorageException;

/**
 * PostgreSQL text cannot hold U+0000. Rejecting it up front gives the caller a validation error that
 * names the field, instead of a backend error from the driver.
 */
final class TextColumns {

    private TextColumns() {
    }

    static String storable(String text, String what) {
        if (text != null && text.indexOf('\u0000') >= 0) {
            throw new BatchStorageException.Validation(what + " contains U+0000, which PostgreSQL text cannot store");
        }
        return text;
    }
}
