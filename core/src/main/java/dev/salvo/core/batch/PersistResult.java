package dev.salvo.core.batch;

import java.util.Optional;

/** What {@link BatchStorage#persist} did. Only {@link Applied} changed anything. */
public sealed interface PersistResult {

    /**
     * The write was applied. {@code supersededTwin} names the racing twin this completion superseded,
     * so the daemon can abort that twin's call.
     */
    record Applied(Optional<RequestId> supersededTwin) implements PersistResult {
        public static Applied plain() {
            return new Applied(Optional.empty());
        }
    }

    /**
     * The write was dropped by {@link PersistGuard} or by a {@link RacingPair} rule; {@code current} is
     * what the request already is.
     */
    record Dropped(RequestStateKind current) implements PersistResult {
    }

    /**
     * The writer presented a claim the request is no longer held under (it was reclaimed, claimed by
     * another daemon, or released): the write was refused and the writer has lost the request.
     * {@code current} is what the request is now.
     */
    record Fenced(RequestStateKind current) implements PersistResult {
    }

    default boolean applied() {
        return this instanceof Applied;
    }
}
