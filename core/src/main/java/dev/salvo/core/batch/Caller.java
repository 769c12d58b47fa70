package dev.salvo.core.batch;

import java.util.Objects;

/**
 * Who asks: a principal (tenant) id, and whether it is an admin. A caller sees what it created; an admin
 * sees everything. Another tenant's object is answered exactly like one that does not exist.
 */
public record Caller(String id, boolean admin) {

    public Caller {
        Objects.requireNonNull(id, "id");
    }

    /** Whether this caller may see an object created by {@code owner}. */
    public boolean sees(String owner) {
        return admin || id.equals(owner);
    }

    /** The owner to filter lists by: the caller's own objects, or (for an admin) everyone's (null). */
    public String listOwner() {
        return admin ? null : id;
    }
}
