package dev.salvo.conformance;

/**
 * Optional properties an adapter declares through a contract's {@code capabilities()} hook. A rule that
 * needs a capability the adapter lacks is reported <em>skipped</em> (an assumption fails), never passed.
 */
public enum Capability {
    /** Data survives closing the store and opening a new instance over the same location. */
    DURABLE,
    /** Several processes (or store instances) may share one location safely at the same time. */
    MULTI_PROCESS,
    /** Time-based decisions follow an injected clock the test can move. */
    CONTROLLABLE_CLOCK
}
