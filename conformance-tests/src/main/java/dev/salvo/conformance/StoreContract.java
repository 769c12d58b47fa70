package dev.salvo.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every contract: one adapter subclass per contract implements the hooks below, and the
 * contract's tests (in the contract class and in the section interfaces it implements) see the store through
 * {@link ContractFixture}.
 *
 * <ul>
 *   <li>{@link #newStore(MutableClock)}: a fresh, empty store over the given clock, before every test.
 *       Adapters whose time-based decisions follow that clock declare {@link Capability#CONTROLLABLE_CLOCK};
 *       an adapter that ignores it simply does not.</li>
 *   <li>{@link #capabilities()}: what the adapter promises beyond the always-required rules. A test that
 *       {@link Requires} a capability the adapter lacks is reported skipped, never passed.</li>
 *   <li>{@link #reopen} for {@link Capability#DURABLE}; {@link #openAnother} for
 *       {@link Capability#MULTI_PROCESS}; {@link #close} if closing is more than {@link AutoCloseable#close()}.</li>
 * </ul>
 *
 * <p>Display names are the rule ids and their statements from {@code rules.tsv} ({@link RuleDisplayNames}).
 *
 * @param <S> what the factory hook returns: the port, or a holder of several ports over one data set
 */
@DisplayNameGeneration(RuleDisplayNames.class)
@ExtendWith(CapabilityCondition.class)
public abstract class StoreContract<S> implements ContractFixture<S> {

    private MutableClock clock;
    private S store;
    private final List<S> others = new ArrayList<>();

    /** A fresh, empty store whose time-based decisions use {@code clock} where the adapter can. Called before every test. */
    protected abstract S newStore(MutableClock clock);

    /** What this adapter promises beyond the always-required rules. */
    protected Set<Capability> capabilities() {
        return Set.of();
    }

    /**
     * Closes {@code current} and opens a new instance over the same data and the same clock. Only called when
     * {@link #capabilities()} contains {@link Capability#DURABLE}.
     */
    protected S reopen(S current) {
        throw new IllegalStateException("reopen() must be implemented by adapters that declare DURABLE");
    }

    /**
     * A second open instance over the same data as {@code current}, which stays open: what another process (a
     * second replica, {@code salvo keys} beside a running server) would open, with its own resources (for a
     * database its own connection pool) and the same clock. Only called when {@link #capabilities()} contains
     * {@link Capability#MULTI_PROCESS}; the contract closes it with {@link #close} after the test.
     */
    protected S openAnother(S current) {
        throw new IllegalStateException("openAnother() must be implemented by adapters that declare MULTI_PROCESS");
    }

    /** Releases a store after a test (every instance the test opened); closes it if it is {@link AutoCloseable}. */
    protected void close(S current) throws Exception {
        if (current instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** The clock of a test. A contract may fix another starting instant; adapters leave this alone. */
    protected MutableClock newClock() {
        return MutableClock.startingAtFixedPoint();
    }

    @BeforeEach
    final void openFreshStore() {
        clock = newClock();
        store = newStore(clock);
    }

    @AfterEach
    final void closeStores() throws Exception {
        Exception failure = null;
        for (S other : others.reversed()) {
            failure = closeQuietly(other, failure);
        }
        others.clear();
        if (store != null) {
            failure = closeQuietly(store, failure);
            store = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Exception closeQuietly(S current, Exception failure) {
        try {
            close(current);
            return failure;
        } catch (Exception e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    @Override
    public final S store() {
        return store;
    }

    @Override
    public final MutableClock clock() {
        return clock;
    }

    @Override
    public final boolean has(Capability capability) {
        return capabilities().contains(capability);
    }

    @Override
    public final void requires(Capability capability) {
        assumeTrue(has(capability), () -> "adapter does not declare " + capability + "; rule skipped");
    }

    @Override
    public final S reopenStore() {
        if (!has(Capability.DURABLE)) {
            throw new IllegalStateException("reopenStore() in a test that runs without DURABLE: annotate it with"
                    + " @Requires(Capability.DURABLE) or check has(Capability.DURABLE) first");
        }
        store = reopen(store);
        return store;
    }

    @Override
    public final S anotherStore() {
        if (!has(Capability.MULTI_PROCESS)) {
            throw new IllegalStateException("anotherStore() in a test that runs without MULTI_PROCESS: annotate it"
                    + " with @Requires(Capability.MULTI_PROCESS)");
        }
        S other = openAnother(store);
        others.add(other);
        return other;
    }
}
