package dev.salvo.http.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is calling: a tenant. Everything a principal creates is visible to it alone; another
 * principal's ids answer 404, exactly as ids that do not exist.
 *
 * @param id    short, stable tenant id ({@code [a-z0-9_-]{1,63}}); it namespaces stored ids
 * @param admin admin principals may list everything and see daemons
 */
public record Principal(String id, boolean admin) {

    private static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,63}");

    public Principal {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("principal id must match [a-z0-9_-]{1,63}: " + id);
        }
    }
}
