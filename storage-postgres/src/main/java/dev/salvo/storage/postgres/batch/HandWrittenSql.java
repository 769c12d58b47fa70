package dev.salvo.storage.postgres.batch;

import java.time.Instant;
import java.util.UUID;
import org.jooq.Field;

/**
 * Names for the statements this package writes as fixed text (the claim, the group update): the
 * PostgreSQL type of a column's Java type, for casts, and a column's name, checked to be a plain
 * identifier before it is spliced into SQL.
 */
final class HandWrittenSql {

    private HandWrittenSql() {
    }

    static String type(Class<?> type) {
        if (type == UUID.class) {
            return "uuid";
        }
        if (type == Instant.class) {
            return "timestamptz";
        }
        if (type == String.class) {
            return "text";
        }
        if (type == Integer.class) {
            return "int4";
        }
        if (type == Long.class) {
            return "int8";
        }
        throw new IllegalStateException("no PostgreSQL type for " + type);
    }

    static String column(Field<?> column) {
        String name = column.getName();
        if (!name.matches("[a-z_]+")) {
            throw new IllegalStateException("unexpected column name " + name);
        }
        return name;
    }
}
