package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.SearchText;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Literal, case-insensitive substring search as {@link SearchText} defines it:
 * {@code position(:folded_needle in translate(haystack, 'A…Z', 'a…z')) > 0}. The needle is folded in
 * Java by the same rule, and {@code translate} folds exactly A–Z whatever the database's locale, where
 * {@code lower()} would follow it. Unlike LIKE, no character of the needle has a meaning, so {@code %},
 * {@code _}, backslashes and quotes match themselves and user text can never become a pattern. (It
 * cannot use an index; every search is also bounded by an indexed filter, a file or a batch, or by the
 * listing's LIMIT.)
 */
final class Search {

    private Search() {
    }

    static Condition contains(Field<String> haystack, String needle) {
        return contains(haystack, needle(needle));
    }

    /** The needle as a bind value, folded once for several {@link #contains(Field, Field)} conditions. */
    static Field<String> needle(String text) {
        return DSL.val(SearchText.fold(text));
    }

    static Condition contains(Field<String> haystack, Field<String> foldedNeedle) {
        return DSL.position(DSL.translate(haystack, DSL.inline(SearchText.UPPER), DSL.inline(SearchText.LOWER)), foldedNeedle)
                .gt(0);
    }
}
