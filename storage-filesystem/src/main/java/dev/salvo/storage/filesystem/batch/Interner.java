package dev.salvo.storage.filesystem.batch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small dense numbers for values repeated across millions of requests (model names, daemon ids), so
 * the per-request arrays hold an {@code int} instead of a reference. Values are never removed: there are
 * few distinct ones. Guarded by the store's lock.
 */
final class Interner<T> {

    private final Map<T, Integer> numbers = new HashMap<>();
    private final List<T> values = new ArrayList<>();

    int intern(T value) {
        Integer known = numbers.get(value);
        if (known != null) {
            return known;
        }
        int number = values.size();
        values.add(value);
        numbers.put(value, number);
        return number;
    }

    /** The number of a value, or -1 if it was never interned. */
    int find(T value) {
        Integer known = numbers.get(value);
        return known == null ? -1 : known;
    }

    T value(int number) {
        return values.get(number);
    }

    int size() {
        return values.size();
    }
}
