package dev.salvo.storage.filesystem.batch;

/**
 * Sorts parallel primitive arrays by (time, ordinal): the order of the output and error files, which for
 * a million results would otherwise mean a million boxed objects. Heapsort: in place, no recursion,
 * O(n log n) whatever the input.
 */
final class Sorting {

    private Sorting() {
    }

    /** Sorts the first {@code n} entries of all four arrays together by {@code time}, then {@code ordinal}. */
    static void byTimeThenOrdinal(long[] time, int[] ordinal, long[] offset, int[] length, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(time, ordinal, offset, length, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            swap(time, ordinal, offset, length, 0, end);
            siftDown(time, ordinal, offset, length, 0, end);
        }
    }

    private static void siftDown(long[] time, int[] ordinal, long[] offset, int[] length, int root, int n) {
        while (true) {
            int child = 2 * root + 1;
            if (child >= n) {
                return;
            }
            if (child + 1 < n && less(time, ordinal, child, child + 1)) {
                child++;
            }
            if (!less(time, ordinal, root, child)) {
                return;
            }
            swap(time, ordinal, offset, length, root, child);
            root = child;
        }
    }

    private static boolean less(long[] time, int[] ordinal, int a, int b) {
        return time[a] != time[b] ? time[a] < time[b] : ordinal[a] < ordinal[b];
    }

    private static void swap(long[] time, int[] ordinal, long[] offset, int[] length, int a, int b) {
        long t = time[a];
        time[a] = time[b];
        time[b] = t;
        int o = ordinal[a];
        ordinal[a] = ordinal[b];
        ordinal[b] = o;
        long f = offset[a];
        offset[a] = offset[b];
        offset[b] = f;
        int l = length[a];
        length[a] = length[b];
        length[b] = l;
    }
}
