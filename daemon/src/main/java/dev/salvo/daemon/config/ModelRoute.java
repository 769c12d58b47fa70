package dev.salvo.daemon.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A model the daemon serves: where its requests go and how many may be in flight at once. The set of
 * configured models is authoritative: requests for any other model are never claimed.
 *
 * @param apiKey              used when the request carries no key of its own; may be empty
 * @param escalationModel     claim-time routing: near-deadline requests go to this model instead (null = none)
 * @param escalationThreshold how close to the deadline "near" is
 */
public record ModelRoute(String name, URI baseUrl, String apiKey, int concurrencyLimit, String escalationModel,
                         Duration escalationThreshold) {

    public ModelRoute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        apiKey = apiKey == null ? "" : apiKey;
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("concurrency limit of " + name + " must be at least 1");
        }
        escalationThreshold = escalationThreshold == null ? Duration.ofMinutes(15) : escalationThreshold;
    }

    public static ModelRoute of(String name, URI baseUrl, int concurrencyLimit) {
        return new ModelRoute(name, baseUrl, "", concurrencyLimit, null, null);
    }
}
