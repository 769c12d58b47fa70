package dev.salvo.storage.postgres.batch;

import dev.salvo.core.batch.RequestStateKind;

/**
 * How one or more request transitions change their batch's counters (see V2__batches.sql). Counts
 * cover original requests only (a template counts once; superseded counts as completed); the output
 * file holds every completed request, copies included; the error file holds failed originals.
 */
record CounterDelta(long completed, long failed, long canceled, long outputLines, long outputBytes, long errorLines,
                    long errorBytes) {

    static final CounterDelta NONE = new CounterDelta(0, 0, 0, 0, 0, 0, 0);

    /**
     * @param oldSize / newSize the row's {@code response_size} before and after
     * @param original          false for an escalated copy, which counts in the output file only
     */
    static CounterDelta of(RequestStateKind old, long oldSize, RequestStateKind next, long newSize, boolean original) {
        long outputLines = is(next, RequestStateKind.COMPLETED) - is(old, RequestStateKind.COMPLETED);
        long outputBytes = (next == RequestStateKind.COMPLETED ? newSize : 0) - (old == RequestStateKind.COMPLETED ? oldSize : 0);
        if (!original) {
            return new CounterDelta(0, 0, 0, outputLines, outputBytes, 0, 0);
        }
        long failed = is(next, RequestStateKind.FAILED) - is(old, RequestStateKind.FAILED);
        return new CounterDelta(
                completedLike(next) - completedLike(old),
                failed,
                is(next, RequestStateKind.CANCELED) - is(old, RequestStateKind.CANCELED),
                outputLines,
                outputBytes,
                failed,
                (next == RequestStateKind.FAILED ? newSize : 0) - (old == RequestStateKind.FAILED ? oldSize : 0));
    }

    /** The same transition applied to {@code rows} originals of equal size (bulk statements). */
    CounterDelta times(long rows) {
        return new CounterDelta(completed * rows, failed * rows, canceled * rows, outputLines * rows, outputBytes * rows,
                errorLines * rows, errorBytes * rows);
    }

    CounterDelta plus(CounterDelta other) {
        return new CounterDelta(completed + other.completed, failed + other.failed, canceled + other.canceled,
                outputLines + other.outputLines, outputBytes + other.outputBytes, errorLines + other.errorLines,
                errorBytes + other.errorBytes);
    }

    boolean isZero() {
        return equals(NONE);
    }

    private static long is(RequestStateKind kind, RequestStateKind wanted) {
        return kind == wanted ? 1 : 0;
    }

    private static long completedLike(RequestStateKind kind) {
        return kind == RequestStateKind.COMPLETED || kind == RequestStateKind.SUPERSEDED ? 1 : 0;
    }
}
