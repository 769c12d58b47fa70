package dev.salvo.core.common;

import java.time.Clock;
import java.util.UUID;

/** Parsing and generation shared by the UUID-backed id records of every port. */
public final class Uuids {

    private static final TimeOrderedIds IDS = new TimeOrderedIds(Clock.systemUTC());

    private Uuids() {
    }

    /** A new time-ordered (version 7) UUID: rows created together sort and index together. */
    public static UUID next() {
        return IDS.next();
    }

    /**
     * Parses the canonical 36-character form only. {@link UUID#fromString} also accepts shortened
     * groups such as {@code 1-1-1-1-1}, which would give one id two spellings.
     */
    public static UUID parse(String text, String what) {
        if (text == null || text.length() != 36) {
            throw new IllegalArgumentException("not a " + what + " id: " + text);
        }
        try {
            UUID uuid = UUID.fromString(text);
            if (!uuid.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException("not a " + what + " id: " + text);
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + what + " id: " + text, e);
        }
    }

    /**
     * Orders UUIDs as PostgreSQL and their string forms do (unsigned, byte by byte). {@link UUID#compareTo}
     * compares signed halves, which would page differently in memory than in the database.
     */
    public static int compare(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
