package dev.salvo.core.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException.Reason;
import dev.salvo.core.checkpoint.CheckpointException.Validation;
import java.util.Objects;
import java.util.Optional;

/**
 * Keyset paging over one thread's history, by sequence.
 *
 * <p>{@code beforeId} keeps only checkpoints older (lower sequence) than the named one, {@code afterId}
 * only newer ones; either may be null. {@code order} decides both the order of the result and which end
 * {@code limit} is taken from: {@code DESCENDING} with a {@code beforeId} pages backwards through a
 * long history, newest first. A cursor id that is not in the thread is a
 * {@link CheckpointException.NotFound} of entity {@code CHECKPOINT} (a thread without checkpoints simply
 * lists nothing).
 */
public record ListOptions(String beforeId, String afterId, int limit, Order order) {

    /** No limit: every matching checkpoint. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public enum Order { ASCENDING, DESCENDING }

    public ListOptions {
        Objects.requireNonNull(order, "order");
        if (limit < 1) {
            throw new Validation(Reason.INVALID_ARGUMENT, "limit must be at least 1, was " + limit);
        }
        if (beforeId != null) {
            CheckpointIds.requireValidCheckpointId(beforeId);
        }
        if (afterId != null) {
            CheckpointIds.requireValidCheckpointId(afterId);
        }
    }

    public static ListOptions all() {
        return new ListOptions(null, null, UNLIMITED, Order.ASCENDING);
    }

    public static ListOptions newest(int limit) {
        return new ListOptions(null, null, limit, Order.DESCENDING);
    }

    public static ListOptions oldest(int limit) {
        return new ListOptions(null, null, limit, Order.ASCENDING);
    }

    public ListOptions before(String checkpointId) {
        return new ListOptions(checkpointId, afterId, limit, order);
    }

    public ListOptions after(String checkpointId) {
        return new ListOptions(beforeId, checkpointId, limit, order);
    }

    public Optional<String> before() {
        return Optional.ofNullable(beforeId);
    }

    public Optional<String> after() {
        return Optional.ofNullable(afterId);
    }

    public boolean descending() {
        return order == Order.DESCENDING;
    }
}
