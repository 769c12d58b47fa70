package dev.salvo.app.backend;

import dev.salvo.app.config.ConfigException;
import dev.salvo.app.spi.StorageBackendProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends on the class path, by name: the built-in three plus any registered through ServiceLoader. */
public final class StorageBackends {

    private final Map<String, StorageBackendProvider> byName;

    private StorageBackends(Map<String, StorageBackendProvider> byName) {
        this.byName = byName;
    }

    public static StorageBackends discover() {
        Map<String, StorageBackendProvider> found = new TreeMap<>();
        for (StorageBackendProvider provider : ServiceLoader.load(StorageBackendProvider.class)) {
            StorageBackendProvider previous = found.putIfAbsent(provider.name(), provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new ConfigException("two storage backends are called '" + provider.name() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return new StorageBackends(found);
    }

    public StorageBackendProvider named(String name) {
        StorageBackendProvider provider = byName.get(name);
        if (provider == null) {
            throw new ConfigException("unknown storage backend '" + name + "'; available: " + String.join(", ", byName.keySet()));
        }
        return provider;
    }

    public Map<String, StorageBackendProvider> all() {
        return byName;
    }
}
