package dev.salvo.storage.postgres.batch;

import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream over keyset pages. Each page is its own short query (no cursor, no connection or
 * transaction held between pages), so a stream that is abandoned without being closed leaks nothing
 * and a slow consumer never pins a connection; memory holds one page at a time.
 */
final class KeysetPages {

    /** Rows per page: large enough to amortise the round trip, small enough to bound memory. */
    static final int PAGE_SIZE = 1_000;

    /** An item and the ordering key the next page continues after. */
    record Keyed<T, K>(T item, K key) {
    }

    private KeysetPages() {
    }

    /**
     * @param page fetches up to {@link #PAGE_SIZE} items after {@code key}; {@code null} asks for the
     *             first page (where the caller applies its offset)
     */
    static <T, K> Stream<T> stream(Function<K, List<Keyed<T, K>>> page) {
        return StreamSupport.stream(new PageSpliterator<>(page), false);
    }

    private static final class PageSpliterator<T, K> extends Spliterators.AbstractSpliterator<T> {
        private final Function<K, List<Keyed<T, K>>> page;
        private Iterator<Keyed<T, K>> current;
        private K lastKey;
        private boolean lastPageFull = true;
        private boolean started;

        PageSpliterator(Function<K, List<Keyed<T, K>>> page) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.page = page;
        }

        @Override
        public boolean tryAdvance(Consumer<? super T> action) {
            while (current == null || !current.hasNext()) {
                if (started && !lastPageFull) {
                    return false;
                }
                List<Keyed<T, K>> rows = page.apply(started ? lastKey : null);
                started = true;
                lastPageFull = rows.size() >= PAGE_SIZE;
                if (rows.isEmpty()) {
                    return false;
                }
                lastKey = rows.get(rows.size() - 1).key();
                current = rows.iterator();
            }
            action.accept(current.next().item());
            return true;
        }
    }
}
