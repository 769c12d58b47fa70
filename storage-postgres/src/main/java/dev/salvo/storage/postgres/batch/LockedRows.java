package dev.salvo.storage.postgres.batch;

import java.util.UUID;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Rows chosen and locked by a {@code SELECT … FOR UPDATE [SKIP LOCKED]} that a DELETE or UPDATE then
 * changes, written as a MATERIALIZED common table expression.
 *
 * <p>Why not {@code WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)}: PostgreSQL may run such
 * a subquery again for every outer row, and each run skips the rows the statement itself has already
 * changed — so it hands out n more rows each time and the statement changes far more than n. A
 * materialized CTE runs exactly once.
 */
final class LockedRows {

    private LockedRows() {
    }

    static CommonTableExpression<Record1<UUID>> ids(String name, Select<Record1<UUID>> lockingQuery) {
        return DSL.name(name).fields("id").asMaterialized(lockingQuery);
    }

    /** {@code column IN (SELECT id FROM name)}. */
    static Condition in(Field<UUID> column, String name) {
        return column.in(DSL.select(DSL.field(DSL.name(name, "id"), UUID.class)).from(DSL.name(name)));
    }
}
