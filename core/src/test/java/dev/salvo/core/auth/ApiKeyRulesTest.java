package dev.salvo.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ApiKeyRulesTest {

    private static final ApiKeyDigest DIGEST = ApiKeyDigest.of("abc");

    private static NewApiKey key(String principal, String hint) {
        return new NewApiKey(DIGEST, principal, false, hint);
    }

    @Test
    void aWellFormedKeyIsAccepted() {
        assertThatCode(() -> ApiKeyRules.validate(key("alice", "x1Y_"))).doesNotThrowAnyException();
        assertThatCode(() -> ApiKeyRules.validate(key("a", "Z"))).doesNotThrowAnyException();
        assertThatCode(() -> ApiKeyRules.validate(key("a".repeat(63), "AbCd-_09"))).doesNotThrowAnyException();
    }

    @Test
    void theKeyAndItsDigestAreRequired() {
        assertThatThrownBy(() -> ApiKeyRules.validate(null))
                .isInstanceOf(ApiKeyStoreException.Validation.class).hasMessage("the new key is required");
        assertThatThrownBy(() -> ApiKeyRules.validate(new NewApiKey(null, "alice", false, "abcd")))
                .isInstanceOf(ApiKeyStoreException.Validation.class).hasMessage("the digest of the key is required");
    }

    @Test
    void aBadPrincipalIsNamedInTheMessage() {
        assertThatThrownBy(() -> ApiKeyRules.validate(key("Alice", "abcd")))
                .isInstanceOf(ApiKeyStoreException.Validation.class)
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: 'Alice'");
        assertThatThrownBy(() -> ApiKeyRules.validate(key(null, "abcd")))
                .isInstanceOf(ApiKeyStoreException.Validation.class)
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: 'null'");
        assertThatThrownBy(() -> ApiKeyRules.validate(key("", "abcd")))
                .isInstanceOf(ApiKeyStoreException.Validation.class)
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: ''");
    }

    @Test
    void controlCharactersInABadPrincipalAreEscaped() {
        assertThatThrownBy(() -> ApiKeyRules.validate(key("a\u0000b\u001fc\u007fd e\u0080", "abcd")))
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: 'a\\u0000b\\u001fc\\u007fd e\u0080'");
        assertThatThrownBy(() -> ApiKeyRules.validate(key("\n~", "abcd")))
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: '\\u000a~'");
    }

    @Test
    void aLongBadPrincipalIsCutAfter80Characters() {
        assertThatThrownBy(() -> ApiKeyRules.validate(key("B".repeat(80), "abcd")))
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: '" + "B".repeat(80) + "'");
        assertThatThrownBy(() -> ApiKeyRules.validate(key("B".repeat(81), "abcd")))
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: '" + "B".repeat(80) + "…'");
        assertThatThrownBy(() -> ApiKeyRules.validate(key("C".repeat(500), "abcd")))
                .hasMessage("principal name must match [a-z0-9_-]{1,63}: '" + "C".repeat(80) + "…'");
    }

    @Test
    void theHintIsOneToEightSafeCharacters() {
        for (String bad : new String[] {null, "", "123456789", "ab cd", "ab.c", "ab/c", "é"}) {
            assertThatThrownBy(() -> ApiKeyRules.validate(key("alice", bad)))
                    .as(String.valueOf(bad))
                    .isInstanceOf(ApiKeyStoreException.Validation.class)
                    .hasMessage("hint must match [A-Za-z0-9_-]{1,8}");
        }
    }

    @Test
    void principalPatternEdges() {
        assertThat(ApiKeyRules.isValidPrincipal("a")).isTrue();
        assertThat(ApiKeyRules.isValidPrincipal("0-_z")).isTrue();
        assertThat(ApiKeyRules.isValidPrincipal("a".repeat(64))).isFalse();
        assertThat(ApiKeyRules.isValidPrincipal(null)).isFalse();
        assertThat(ApiKeyRules.PRINCIPAL.pattern()).isEqualTo("[a-z0-9_-]{1,63}");
        assertThat(ApiKeyRules.HINT.pattern()).isEqualTo("[A-Za-z0-9_-]{1,8}");
    }

    @Test
    void newKeyValidatesFirstThenStampsTheTruncatedClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-05-06T07:08:09.987654321Z"), ZoneOffset.UTC);
        ApiKey k = ApiKeyRules.newKey(new NewApiKey(DIGEST, "ops", true, "wxyz"), clock);
        assertThat(k.principal()).isEqualTo("ops");
        assertThat(k.admin()).isTrue();
        assertThat(k.hint()).isEqualTo("wxyz");
        assertThat(k.createdAt()).isEqualTo(Instant.parse("2026-05-06T07:08:09.987Z"));
        assertThat(k.revokedAt()).isNull();
        assertThat(k.id().value().getMostSignificantBits() >>> 16).isEqualTo(1_778_051_289_987L);
        assertThatThrownBy(() -> ApiKeyRules.newKey(key("Bad", "abcd"), clock))
                .isInstanceOf(ApiKeyStoreException.Validation.class);
        assertThat(ApiKeyRules.now(clock)).isEqualTo(Instant.parse("2026-05-06T07:08:09.987Z"));
    }

    @Test
    void storedKeysRevokeOnce() {
        ApiKeyId id = ApiKeyId.parse("00000000-0000-7000-8000-000000000001");
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        ApiKey active = new ApiKey(id, "alice", false, "abcd", created, null);
        assertThat(active.revoked()).isFalse();
        ApiKey revoked = active.revoke(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(revoked).isEqualTo(new ApiKey(id, "alice", false, "abcd", created, Instant.parse("2026-01-02T00:00:00Z")));
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revoke(Instant.parse("2026-01-03T00:00:00Z"))).isSameAs(revoked);
        assertThatThrownBy(() -> active.revoke(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ApiKey(null, "alice", false, "abcd", created, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ApiKey(id, null, false, "abcd", created, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ApiKey(id, "alice", false, null, created, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ApiKey(id, "alice", false, "abcd", null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void exceptionsCarryNoSecrets() {
        ApiKeyId id = ApiKeyId.parse("00000000-0000-7000-8000-000000000001");
        ApiKeyStoreException.NotFound nf = new ApiKeyStoreException.NotFound(id);
        assertThat(nf).hasMessage("API key not found: 00000000-0000-7000-8000-000000000001");
        assertThat(nf.id()).isEqualTo(id);
        assertThat(new ApiKeyStoreException.Conflict("taken")).hasMessage("taken");
        RuntimeException cause = new RuntimeException("io");
        assertThat(new ApiKeyStoreException.Backend("down", cause)).hasMessage("down").hasCause(cause);
    }
}
