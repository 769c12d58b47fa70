package dev.salvo.daemon.execution;

/** Why an in-flight call was interrupted; decides what is written afterwards. */
public enum AbortReason {
    /** The batch was cancelled: the request is written canceled. */
    CANCELLED,
    /** The racing twin produced the result: the store already marked this request superseded. */
    SUPERSEDED,
    /** The daemon is stopping: the request goes back to pending for another daemon. */
    SHUTDOWN
}
