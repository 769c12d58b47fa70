package dev.salvo.daemon.execution;

import dev.salvo.core.batch.BatchRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** One claimed request this daemon is executing, and the thread running it (for aborts). */
public final class Execution {

    private final BatchRequest claimed;
    private final AtomicReference<AbortReason> abort = new AtomicReference<>();
    private volatile Thread thread;
    private volatile boolean started;
    private final AtomicBoolean holdsSlot = new AtomicBoolean(true);

    Execution(BatchRequest claimed) {
        this.claimed = claimed;
    }

    public BatchRequest claimed() {
        return claimed;
    }

    void runOn(Thread t) {
        this.thread = t;
    }

    void markStarted() {
        started = true;
    }

    /** True once the processing state was written: the upstream call may be running. */
    public boolean started() {
        return started;
    }

    /** Asks the execution to stop; the first reason wins. */
    public void abort(AbortReason reason) {
        if (abort.compareAndSet(null, reason)) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** True the first time only: the model slot (see {@link InFlight}) is given back exactly once. */
    boolean giveBackSlot() {
        return holdsSlot.compareAndSet(true, false);
    }

    AbortReason abortReason() {
        return abort.get();
    }
}
