package dev.salvo.http.batch.upload;

/**
 * OpenAI's {@code expires_after} policy, as the upload form ({@code expires_after[anchor]},
 * {@code expires_after[seconds]}) and the batch body ({@code output_expires_after}) both take it: the only
 * anchor is {@code created_at}, and the lifetime is one hour to 30 days. Defined once so that both places
 * accept exactly the same values.
 */
public final class ExpiresAfter {

    /** The only anchor OpenAI accepts. */
    public static final String ANCHOR = "created_at";
    /** The shortest lifetime: one hour. */
    public static final long MIN_SECONDS = 3600;
    /** The longest lifetime: 30 days (2592000 seconds). */
    public static final long MAX_SECONDS = 30L * 24 * 3600;

    private ExpiresAfter() {
    }

    public static boolean isAnchor(String anchor) {
        return ANCHOR.equals(anchor);
    }

    public static boolean inRange(long seconds) {
        return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS;
    }

    /** {@code "3600 to 2592000"}, for error messages. */
    public static String range() {
        return MIN_SECONDS + " to " + MAX_SECONDS;
    }
}
