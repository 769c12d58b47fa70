package dev.salvo.http.support;

import java.util.List;
import java.util.function.Function;

/** OpenAI's list envelope: {@code {object: "list", data, first_id, last_id, has_more}}. */
public record ListPage<T>(String object, List<T> data, String firstId, String lastId, boolean hasMore) {

    /**
     * Builds a page from up to {@code limit + 1} fetched items: the extra one only tells that more exist.
     */
    public static <T> ListPage<T> of(List<T> fetched, int limit, Function<T, String> id) {
        boolean hasMore = fetched.size() > limit;
        List<T> data = hasMore ? fetched.subList(0, limit) : fetched;
        return new ListPage<>("list", List.copyOf(data),
                data.isEmpty() ? null : id.apply(data.getFirst()),
                data.isEmpty() ? null : id.apply(data.getLast()),
                hasMore);
    }
}
