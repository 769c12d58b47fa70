package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.TemplateId;
import java.util.UUID;

/**
 * Request and template ids derived from their batch's (or file's) id and their position, instead of
 * stored: a million stored UUIDs and a hash map from id to request would cost ~100 MB; deriving them
 * costs nothing and still gives valid, time-ordered version-7 UUIDs.
 *
 * <p>Layout: the most significant half is the parent's (its millisecond timestamp, version and 12
 * random bits); the least significant half is the RFC 9562 variant, 22 bits taken from the parent's
 * random bits (the "tag") and a 40-bit ordinal. Ids of one parent therefore sort by ordinal. The store
 * refuses to create a batch whose (most significant half, tag) pair is already taken, so two parents can
 * never produce the same child id.
 */
final class DerivedIds {

    static final long MAX_ORDINAL = (1L << 40) - 1;
    private static final long VARIANT = 0x8000_0000_0000_0000L;
    private static final long TAG_MASK = (1L << 22) - 1;

    private DerivedIds() {
    }

    static long tag(UUID parent) {
        return (parent.getLeastSignificantBits() >>> 40) & TAG_MASK;
    }

    static UUID child(UUID parent, long ordinal) {
        if (ordinal < 0 || ordinal > MAX_ORDINAL) {
            throw new IllegalArgumentException("ordinal out of range: " + ordinal);
        }
        return new UUID(parent.getMostSignificantBits(), VARIANT | (tag(parent) << 40) | ordinal);
    }

    static RequestId request(BatchId batch, int ordinal) {
        return new RequestId(child(batch.value(), ordinal));
    }

    static TemplateId template(FileId file, long line) {
        return new TemplateId(child(file.value(), line));
    }

    /** Whether {@code child} could have been derived from {@code parent}. */
    static boolean isChildOf(UUID child, UUID parent) {
        long lsb = child.getLeastSignificantBits();
        return child.getMostSignificantBits() == parent.getMostSignificantBits()
                && (lsb >>> 62) == 2
                && ((lsb >>> 40) & TAG_MASK) == tag(parent);
    }

    static long ordinal(UUID child) {
        return child.getLeastSignificantBits() & MAX_ORDINAL;
    }

    /** The key under which parents are indexed for lookups from a child id. */
    static long lookupKey(UUID id) {
        return id.getMostSignificantBits();
    }
}
