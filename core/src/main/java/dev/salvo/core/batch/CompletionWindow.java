package dev.salvo.core.batch;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A batch's completion window, written as OpenAI and fusillade do: a whole number and a unit,
 * {@code 24h}, {@code 90m}, {@code 7d}, {@code 30s}. The batch's deadline is creation time plus the window.
 */
public record CompletionWindow(String text, Duration duration) {

    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,6})(s|m|h|d)");
    /** OpenAI allows at most 24h; the platform allows longer windows, but not absurd ones. */
    public static final Duration MAX = Duration.ofDays(30);

    public static CompletionWindow parse(String text) {
        if (text == null) {
            throw new BatchStorageException.Validation("completion_window is required");
        }
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new BatchStorageException.Validation(
                    "Invalid completion_window '" + text + "': use a whole number and a unit s, m, h or d, e.g. 24h");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(MAX) > 0) {
            throw new BatchStorageException.Validation("Invalid completion_window '" + text + "': at most " + MAX.toDays() + "d");
        }
        return new CompletionWindow(text.strip(), d);
    }
}
