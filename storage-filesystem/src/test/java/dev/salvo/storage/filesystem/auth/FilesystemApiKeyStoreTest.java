package dev.salvo.storage.filesystem.auth;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.auth.ApiKeyStoreContract;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.storage.filesystem.TestDirectories;
import java.nio.file.Path;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

class FilesystemApiKeyStoreTest extends ApiKeyStoreContract {

    private final Map<ApiKeyStore, Clock> clocks = new IdentityHashMap<>();
    private Path directory;

    @Override
    protected ApiKeyStore newStore(MutableClock clock) {
        directory = TestDirectories.create("salvo-keys-");
        return openOn(clock);
    }

    @Override
    protected Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE, Capability.MULTI_PROCESS, Capability.CONTROLLABLE_CLOCK);
    }

    @Override
    protected ApiKeyStore reopen(ApiKeyStore current) {
        Clock clock = clocks.remove(current);
        ((FilesystemApiKeyStore) current).close();
        return openOn(clock);
    }

    @Override
    protected ApiKeyStore openAnother(ApiKeyStore current) {
        return openOn(clocks.get(current));
    }

    @AfterEach
    void deleteDirectory() {
        if (directory != null) {
            TestDirectories.deleteRecursively(directory);
        }
    }

    private ApiKeyStore openOn(Clock clock) {
        FilesystemApiKeyStore store = FilesystemApiKeyStore.open(directory, clock);
        clocks.put(store, clock);
        return store;
    }
}
