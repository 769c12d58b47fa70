package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Keyset paging over one owner's threads, which are listed in ascending {@link String#compareTo} order.
 *
 * <p>{@code afterThreadId} keeps only thread ids strictly greater than it; it need not name an existing
 * thread (a deleted last id still continues the walk). {@code limit} takes from the start.
 */
public record ThreadListOptions(String afterThreadId, int limit) {

    /** No limit: every thread of the owner. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public ThreadListOptions {
        if (limit < 1) {
            throw new Validation(Reason.INVALID_ARGUMENT, "limit must be at least 1, was " + limit);
        }
        if (afterThreadId != null) {
            CheckpointIds.requireValidThreadId(afterThreadId);
        }
    }

    public static ThreadListOptions all() {
        return new ThreadListOptions(null, UNLIMITED);
    }

    public static ThreadListOptions first(int limit) {
        return new ThreadListOptions(null, limit);
    }

    public ThreadListOptions after(String threadId) {
        return new ThreadListOptions(threadId, limit);
    }

    public Optional<String> after() {
        return Optional.ofNullable(afterThreadId);
    }

    /** Whether {@code threadId} lies after the cursor. */
    public boolean admits(String threadId) {
        return afterThreadId == null || threadId.compareTo(afterThreadId) > 0;
    }

    /**
     * The page among {@code candidates} (any order, no duplicates): sorted, after the cursor, only those
     * that {@code exists} accepts, at most {@code limit}. {@code exists} is asked in order and only until
     * the page is full, so an adapter can pass a check that reads storage.
     */
    public List<String> page(Collection<String> candidates, Predicate<String> exists) {
        List<String> sorted = new ArrayList<>(candidates.size());
        for (String candidate : candidates) {
            if (admits(candidate)) {
                sorted.add(candidate);
            }
        }
        sorted.sort(null);
        List<String> page = new ArrayList<>(Math.min(sorted.size(), limit));
        for (String candidate : sorted) {
            if (page.size() == limit) {
                break;
            }
            if (exists.test(candidate)) {
                page.add(candidate);
            }
        }
        return page;
    }
}
