package dev.salvo.app.auth;

import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.http.auth.Authenticator;
import dev.salvo.http.auth.HashedApiKeys;
import dev.salvo.http.auth.Principal;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link Authenticator}: the keys from configuration ({@code salvo.auth.keys}) first, then the
 * keys in the backend's {@link ApiKeyStore} ({@code salvo keys create}), then, in development mode, the
 * development key.
 *
 * <p>Stored keys are looked up by digest on every request, so a key created or revoked by another process
 * counts from the next request on. A stored key maps to {@code Principal(principal, admin)} exactly as
 * stored; {@code salvo.auth.admins} applies to configured keys only.
 *
 * <p>Development mode that was switched on automatically (no key anywhere at start) ends for good as soon
 * as an active stored key exists: from then on the development key is refused, until a restart decides
 * again. Forced development mode ({@code salvo.auth.dev-mode=true}) never ends.
 *
 * <p>Presented keys are hashed at once and never kept or logged.
 */
public final class ApiKeyAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticator.class);

    /** Whether, and for how long, the development key is accepted. */
    public enum DevMode {
        OFF,
        /** Until the first active stored key appears. */
        UNTIL_A_KEY_IS_STORED,
        ALWAYS
    }

    private final HashedApiKeys configured;
    private final ApiKeyStore stored;
    private final byte[] devKeyDigest;
    private final Principal devPrincipal;
    private final DevMode devMode;
    private volatile boolean devKeyAccepted;

    /**
     * @param devKey       the development key (ignored when {@code devMode} is {@link DevMode#OFF})
     * @param devPrincipal whom the development key authenticates as
     */
    public ApiKeyAuthenticator(HashedApiKeys configured, ApiKeyStore stored, DevMode devMode, String devKey,
                               Principal devPrincipal) {
        this.configured = Objects.requireNonNull(configured, "configured");
        this.stored = Objects.requireNonNull(stored, "stored");
        this.devMode = Objects.requireNonNull(devMode, "devMode");
        this.devKeyDigest = devMode == DevMode.OFF ? null : HashedApiKeys.sha256(Objects.requireNonNull(devKey, "devKey"));
        this.devPrincipal = devMode == DevMode.OFF ? null : Objects.requireNonNull(devPrincipal, "devPrincipal");
        this.devKeyAccepted = devMode != DevMode.OFF;
    }

    @Override
    public Optional<Principal> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return Optional.empty();
        }
        Optional<Principal> fromConfiguration = configured.authenticate(apiKey);
        if (fromConfiguration.isPresent()) {
            return fromConfiguration;
        }
        byte[] digest = HashedApiKeys.sha256(apiKey);
        Optional<ApiKey> key = stored.findByDigest(ApiKeyDigest.fromBytes(digest));
        if (key.isPresent()) {
            return principalOf(key.get());
        }
        if (devKeyDigest != null && MessageDigest.isEqual(devKeyDigest, digest)) {
            return devKeyStillAccepted() ? Optional.of(devPrincipal) : Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether the development key was accepted when this authenticator was built. */
    public boolean startedInDevMode() {
        return devMode != DevMode.OFF;
    }

    /** Whether the development key is accepted right now. */
    public boolean devKeyAccepted() {
        return devMode != DevMode.OFF && devKeyStillAccepted();
    }

    private boolean devKeyStillAccepted() {
        if (devMode != DevMode.UNTIL_A_KEY_IS_STORED || !devKeyAccepted) {
            return devKeyAccepted;
        }
        Optional<ApiKey> first = stored.list().stream().filter(k -> !k.revoked()).findFirst();
        if (first.isPresent()) {
            devKeyAccepted = false;
            LOG.warn("Development mode ended: API key {} of principal '{}' is stored, so the development key is no longer"
                    + " accepted", first.get().id(), first.get().principal());
        }
        return devKeyAccepted;
    }

    private static Optional<Principal> principalOf(ApiKey key) {
        try {
            return Optional.of(new Principal(key.principal(), key.admin()));
        } catch (IllegalArgumentException e) {
            // Stores validate principal names with the same rule; a row edited by hand could still differ.
            LOG.warn("Refusing API key {}: its principal name is not valid", key.id());
            return Optional.empty();
        }
    }
}
