package dev.salvo.storage.postgres.batch;

import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Literal, case-insensitive substring search: {@code position(lower(needle) in lower(haystack)) > 0}.
 * Unlike LIKE, no character of the needle has a meaning, so {@code %}, {@code _}, backslashes and
 * quotes match themselves and user text can never become a pattern. (It cannot use an index; every
 * search is also bounded by an indexed filter, a file or a batch, or by the listing's LIMIT.)
 */
final class Search {

    private Search() {
    }

    static Condition contains(Field<String> haystack, String needle) {
        return contains(haystack, DSL.lower(DSL.val(needle)));
    }

    static Condition contains(Field<String> haystack, Field<String> loweredNeedle) {
        return DSL.position(DSL.lower(haystack), loweredNeedle).gt(0);
    }
}
