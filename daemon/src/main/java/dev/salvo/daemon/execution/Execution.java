package dev.salvo.daemon.execution;

import dev.salvo.core.batch.BatchRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** One claimed request this daemon is executing, and the thread running it (for aborts). */
public final class Execution {

    private final BatchRequest claimed;
    private final String model;
    private final AtomicReference<AbortReason> abort = new AtomicReference<>();
    private volatile Thread thread;
    private volatile boolean started;
    private final AtomicBoolean holdsSlot = new AtomicBoolean(true);

    Execution(BatchRequest claimed) {
        this(claimed, claimed.data().model());
    }

    /** {@code model}: the model this execution calls (its own, or its escalation model). */
    Execution(BatchRequest claimed, String model) {
        this.claimed = claimed;
        this.model = model;
    }

    public BatchRequest claimed() {
        return claimed;
    }

    /** The model called: the request's own, or its escalation model (claim-time routing). */
    public String model() {
        return model;
    }

    /** The models whose concurrency slots this execution holds: the claimed model and the one called. */
    java.util.Set<String> slots() {
        String claimedModel = claimed.data().model();
        return claimedModel.equals(model) ? java.util.Set.of(model) : java.util.Set.of(claimedModel, model);
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
