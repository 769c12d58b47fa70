package dev.salvo.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.app.config.AuthSettings;
import dev.salvo.app.config.ConfigException;
import dev.salvo.app.config.ConfigKeys;
import dev.salvo.app.config.SalvoConfig;
import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeySecrets;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.http.auth.Authenticator;
import dev.salvo.http.auth.Principal;
import dev.salvo.storage.memory.auth.MemoryApiKeyStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Configured keys, stored keys and development mode together, as {@code salvo serve} builds them. */
class ApiKeyAuthenticatorTest {

    private final ApiKeyStore stored = new MemoryApiKeyStore(Clock.systemUTC());

    private static AuthSettings settings(String keys, String admins, String devMode) {
        SalvoConfig.Builder config = SalvoConfig.builder();
        if (keys != null) {
            config.set(ConfigKeys.AUTH_KEYS, keys);
        }
        if (admins != null) {
            config.set(ConfigKeys.AUTH_ADMINS, admins);
        }
        if (devMode != null) {
            config.set(ConfigKeys.AUTH_DEV_MODE, devMode);
        }
        return AuthSettings.from(config.build());
    }

    private ApiKey store(String secret, String principal, boolean admin) {
        return stored.create(ApiKeySecrets.newKey(secret, principal, admin));
    }

    @Test
    void storedKeysAuthenticateAsTheirPrincipalWithTheirAdminFlag() {
        AuthSettings auth = settings("ops:sk-ops", "ops,alice", null);
        Authenticator authenticator = auth.authenticator(stored);
        String alice = ApiKeySecrets.generate();
        String root = ApiKeySecrets.generate();
        store(alice, "alice", false);
        store(root, "root", true);

        assertThat(auth.devMode()).isFalse();
        assertThat(authenticator.authenticate("sk-ops")).contains(new Principal("ops", true));
        // salvo.auth.admins names configured keys' principals; a stored key carries its own flag
        assertThat(authenticator.authenticate(alice)).contains(new Principal("alice", false));
        assertThat(authenticator.authenticate(root)).contains(new Principal("root", true));
        assertThat(authenticator.authenticate(alice + "x")).isEmpty();
        assertThat(authenticator.authenticate("")).isEmpty();
        assertThat(authenticator.authenticate(null)).isEmpty();
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        Authenticator authenticator = settings("ops:sk-ops", null, null).authenticator(stored);
        String secret = ApiKeySecrets.generate();
        ApiKey key = store(secret, "alice", false);
        assertThat(authenticator.authenticate(secret)).isPresent();

        stored.revoke(key.id());

        assertThat(authenticator.authenticate(secret)).isEmpty();
    }

    @Test
    void autoDevelopmentModeEndsWithTheFirstStoredKey() {
        AuthSettings auth = settings(null, null, "auto");
        ApiKeyAuthenticator authenticator = auth.authenticator(stored);
        assertThat(auth.devMode()).isTrue();
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).contains(new Principal("dev", true));

        String secret = ApiKeySecrets.generate();
        store(secret, "alice", true);

        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
        assertThat(authenticator.devKeyAccepted()).isFalse();
        assertThat(authenticator.authenticate(secret)).contains(new Principal("alice", true));
        // for good: revoking every key does not bring the well-known key back
        stored.list().forEach(k -> stored.revoke(k.id()));
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
    }

    @Test
    void autoDevelopmentModeIsOffWhenAStoredKeyExistsAtStart() {
        store(ApiKeySecrets.generate(), "alice", false);
        AuthSettings auth = settings(null, null, null);
        Authenticator authenticator = auth.authenticator(stored);
        assertThat(auth.devMode()).isFalse();
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
    }

    @Test
    void revokedKeysAloneLeaveAutoDevelopmentModeOn() {
        stored.revoke(store(ApiKeySecrets.generate(), "alice", false).id());
        AuthSettings auth = settings(null, null, null);
        assertThat(auth.authenticator(stored).authenticate(AuthSettings.DEV_KEY)).isPresent();
        assertThat(auth.devMode()).isTrue();
    }

    @Test
    void forcedDevelopmentModeStaysOnBesideStoredKeys() {
        AuthSettings auth = settings("ops:sk-ops", null, "true");
        Authenticator authenticator = auth.authenticator(stored);
        store(ApiKeySecrets.generate(), "alice", false);
        assertThat(auth.devMode()).isTrue();
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).contains(new Principal("dev", true));
    }

    @Test
    void developmentModeOffNeedsSomeKeyConfiguredOrStored() {
        AuthSettings off = settings(null, null, "false");
        assertThatThrownBy(() -> off.authenticator(stored)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("salvo keys create");
        assertThatThrownBy(off::devMode).isInstanceOf(IllegalStateException.class);

        String secret = ApiKeySecrets.generate();
        store(secret, "alice", false);
        Authenticator authenticator = off.authenticator(stored);
        assertThat(off.devMode()).isFalse();
        assertThat(authenticator.authenticate(secret)).contains(new Principal("alice", false));
        assertThat(authenticator.authenticate(AuthSettings.DEV_KEY)).isEmpty();
    }
}
