package dev.salvo.core.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * What every {@link ApiKeyStore} accepts and how it fills in what it assigns, in one place so that the
 * adapters cannot drift apart.
 */
public final class ApiKeyRules {

    /**
     * A principal (tenant) name: 1 to 63 of {@code [a-z0-9_-]}. The same rule as the HTTP layer's
     * {@code Principal}; it never contains a path separator, a dot or a colon.
     */
    public static final Pattern PRINCIPAL = Pattern.compile("[a-z0-9_-]{1,63}");

    /** A display hint: 1 to 8 of {@code [A-Za-z0-9_-]}, short enough never to be a usable part of a secret. */
    public static final Pattern HINT = Pattern.compile("[A-Za-z0-9_-]{1,8}");

    private ApiKeyRules() {
    }

    public static boolean isValidPrincipal(String principal) {
        return principal != null && PRINCIPAL.matcher(principal).matches();
    }

    /** @throws ApiKeyStoreException.Validation if {@code key} may not be stored */
    public static void validate(NewApiKey key) {
        if (key == null) {
            throw new ApiKeyStoreException.Validation("the new key is required");
        }
        if (key.digest() == null) {
            throw new ApiKeyStoreException.Validation("the digest of the key is required");
        }
        if (!isValidPrincipal(key.principal())) {
            throw new ApiKeyStoreException.Validation("principal name must match [a-z0-9_-]{1,63}: '"
                    + printable(key.principal()) + "'");
        }
        if (key.hint() == null || !HINT.matcher(key.hint()).matches()) {
            throw new ApiKeyStoreException.Validation("hint must match [A-Za-z0-9_-]{1,8}");
        }
    }

    /** The key a store records for a valid request: a new id and {@code createdAt} from {@code clock}, active. */
    public static ApiKey newKey(NewApiKey key, Clock clock) {
        validate(key);
        Instant now = now(clock);
        return new ApiKey(ApiKeyId.generate(Clock.fixed(now, java.time.ZoneOffset.UTC)), key.principal(), key.admin(),
                key.hint(), now, null);
    }

    /** The store's notion of now: {@code clock} at millisecond precision, which every backend keeps exactly. */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A bad name as it may appear in a message: bounded, control characters escaped. */
    private static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 80; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return text.length() > 80 ? out + "…" : out.toString();
    }
}
