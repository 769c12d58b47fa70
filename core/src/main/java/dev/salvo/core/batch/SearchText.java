package dev.salvo.core.batch;

/**
 * The one meaning of "case-insensitive" in every search of the batch port (file names, custom ids,
 * batch ids and metadata): ASCII letters A–Z match a–z, every other character matches only itself, and
 * the needle is a literal substring ({@code %}, {@code _}, quotes and backslashes are plain characters).
 *
 * <p>Why ASCII only: Unicode case mapping depends on who does it — Java's {@code toLowerCase} maps
 * {@code İ} to two characters, PostgreSQL's {@code lower()} follows the database's locale (and does
 * nothing to non-ASCII under {@code C}) — so "the same search" answered differently per adapter and
 * per database. Custom ids and file names are overwhelmingly ASCII; an exact, portable rule beats a
 * locale-dependent one. SQL adapters fold with {@code translate(text, UPPER, LOWER)}.
 */
public final class SearchText {

    public static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public static final String LOWER = "abcdefghijklmnopqrstuvwxyz";

    private SearchText() {
    }

    /** {@code text} with A–Z turned into a–z and nothing else changed; null stays null. */
    public static String fold(String text) {
        if (text == null) {
            return null;
        }
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? text : new String(chars);
    }

    /** The folded needle of a search, or null for no search (null or empty). */
    public static String needle(String search) {
        return search == null || search.isEmpty() ? null : fold(search);
    }

    /** Whether {@code haystack} contains the folded {@code needle} (from {@link #needle}); a null needle matches all. */
    public static boolean contains(String haystack, String needle) {
        return needle == null || (haystack != null && fold(haystack).contains(needle));
    }
}
