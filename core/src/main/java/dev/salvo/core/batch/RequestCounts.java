package dev.salvo.core.batch;

/**
 * A batch's request counts, exact at the moment they were read. While a batch is being cancelled its
 * unfinished requests count as canceled. Escalated copies of requests are never counted: a template
 * counts once, whichever of its racing requests produced the result.
 */
public record RequestCounts(long total, long pending, long inProgress, long completed, long failed, long canceled) {

    public static final RequestCounts NONE = new RequestCounts(0, 0, 0, 0, 0, 0);

    public long terminal() {
        return completed + failed + canceled;
    }

    public boolean allTerminal() {
        return total > 0 && terminal() == total;
    }
}
