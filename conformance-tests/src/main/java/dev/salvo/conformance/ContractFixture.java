package dev.salvo.conformance;

/**
 * What a contract's tests see of the store under test, whether they are written in the contract class or in
 * one of its section interfaces (test interfaces with default {@code @Test} methods). {@link StoreContract}
 * implements it; a port's fixture interface (for example {@code BatchFixture}) extends it with the port's
 * helpers.
 *
 * @param <S> what the adapter's factory hook returns: the port, or a holder of several ports over one data set
 */
public interface ContractFixture<S> {

    /** The store under test: fresh and empty at the start of each test; replaced by {@link #reopenStore()}. */
    S store();

    /** The clock handed to the adapter's factory hook, a fresh {@link MutableClock} per test. */
    MutableClock clock();

    /** Whether the adapter declares {@code capability}, for a test that checks more when it can. */
    boolean has(Capability capability);

    /**
     * Skips the rest of the calling test (reported skipped) unless the adapter declares {@code capability}.
     * A whole rule that needs a capability says so with {@link Requires} instead.
     */
    void requires(Capability capability);

    /**
     * Closes the store and opens a new instance over the same data, which becomes {@link #store()}. Only for
     * tests that {@link Requires} {@link Capability#DURABLE} (or check {@link #has} first).
     */
    S reopenStore();

    /**
     * Another open instance over the same data as {@link #store()}, with its own resources (what a second
     * process would open), closed after the test. Only for tests that {@link Requires}
     * {@link Capability#MULTI_PROCESS}.
     */
    S anotherStore();
}
