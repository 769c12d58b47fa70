package dev.salvo.storage.postgres.checkpoint;

import static dev.salvo.storage.postgres.jooq.Tables.CHECKPOINTS;

import dev.salvo.core.checkpoint.Checkpoint;
import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.storage.postgres.jooq.tables.Checkpoints;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jooq.Field;
import org.jooq.Record;

/** Maps {@code checkpoints} rows to domain records. */
final class CheckpointRows {

    private static final Checkpoints CP = CHECKPOINTS;

    /** Every column but {@code state}: listings must not pull megabytes of state they do not return. */
    static final List<Field<?>> METADATA = List.of(
            CP.ID, CP.THREAD_ID, CP.CREATED_AT, CP.PARENT_ID, CP.STEP, CP.LABEL, CP.TAGS, CP.STATE_SIZE, CP.CUSTOM, CP.SEQ);

    static final List<Field<?>> METADATA_AND_STATE = concat(METADATA, CP.STATE);

    private CheckpointRows() {
    }

    static CheckpointMetadata metadata(Record row) {
        return new CheckpointMetadata(
                row.get(CP.ID),
                row.get(CP.THREAD_ID),
                row.get(CP.CREATED_AT),
                row.get(CP.PARENT_ID),
                row.get(CP.STEP),
                row.get(CP.LABEL),
                tags(row.get(CP.TAGS)),
                row.get(CP.STATE_SIZE),
                CustomMetadataJson.decode(row.get(CP.CUSTOM)),
                row.get(CP.SEQ));
    }

    static Checkpoint checkpoint(Record row) {
        return new Checkpoint(metadata(row), row.get(CP.STATE));
    }

    private static List<String> tags(String[] stored) {
        List<String> tags = Arrays.asList(stored);
        // text[] admits NULL elements, the domain does not; such a row was written by something else.
        if (tags.stream().anyMatch(Objects::isNull)) {
            throw new CheckpointException.Corrupt("stored tags contain a NULL element", null);
        }
        return tags;
    }

    private static List<Field<?>> concat(List<Field<?>> fields, Field<?> extra) {
        Field<?>[] all = fields.toArray(new Field<?>[fields.size() + 1]);
        all[fields.size()] = extra;
        return List.of(all);
    }
}
