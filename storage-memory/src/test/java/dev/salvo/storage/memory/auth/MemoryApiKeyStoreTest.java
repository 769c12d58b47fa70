package dev.salvo.storage.memory.auth;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.auth.ApiKeyStoreContract;
import dev.salvo.core.auth.ApiKeyStore;
import java.util.Set;

class MemoryApiKeyStoreTest extends ApiKeyStoreContract {

    @Override
    protected ApiKeyStore newStore(MutableClock clock) {
        return new MemoryApiKeyStore(clock);
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.CONTROLLABLE_CLOCK);
    }
}
