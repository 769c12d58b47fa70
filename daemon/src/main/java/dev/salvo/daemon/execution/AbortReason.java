package dev.salvo.daemon.execution;

/** Why an in-flight call was interrupted; decides what is written afterwards. */
public enum AbortReason {
    /** The batch was cancelled: the request is written canceled. */
    CANCELLED,
    /** The racing twin produced the result: the store already marked this request superseded. */
    SUPERSEDED,
    /** The daemon is stopping: the request goes back to pending for another daemon. */
    SHUTDOWN,
    /**
     * Other processes declared this daemon dead and may have reclaimed its requests: the claim is no
     * longer this daemon's to give back, so nothing is written (a write would be fenced anyway).
     */
    CLAIM_LOST
}
