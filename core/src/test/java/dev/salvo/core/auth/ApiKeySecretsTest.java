package dev.salvo.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeySecretsTest {

    @Test
    void secretsHaveThePrefixAndEnoughBase62Randomness() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String secret = ApiKeySecrets.generate();
            assertThat(secret).startsWith("sk-salvo-").hasSize(9 + 43);
            assertThat(secret.substring(9)).matches("[0-9A-Za-z]{43}");
            assertThat(seen.add(secret)).isTrue();
        }
    }

    @Test
    void newKeyCarriesDigestAndLastFourCharactersOnly() {
        String secret = ApiKeySecrets.generate();
        NewApiKey key = ApiKeySecrets.newKey(secret, "alice", true);
        assertThat(key.digest()).isEqualTo(ApiKeyDigest.of(secret));
        assertThat(key.hint()).isEqualTo(secret.substring(secret.length() - 4));
        assertThat(key.toString()).doesNotContain(secret).doesNotContain(key.digest().hex());
        ApiKeyRules.validate(key);
    }

    @Test
    void digestIsTheSha256OfTheUtf8Secret() {
        // echo -n abc | sha256sum
        assertThat(ApiKeyDigest.of("abc").hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeyDigest.fromHex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
                .isEqualTo(ApiKeyDigest.of("abc"));
        assertThat(ApiKeyDigest.fromBytes(ApiKeyDigest.of("abc").bytes())).isEqualTo(ApiKeyDigest.of("abc"));
        assertThatThrownBy(() -> new ApiKeyDigest("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newKeysGetAMillisecondTimestampAndAnIdFromTheSameInstant() {
        Instant now = Instant.parse("2026-05-06T07:08:09.123456789Z");
        ApiKey key = ApiKeyRules.newKey(ApiKeySecrets.newKey(ApiKeySecrets.generate(), "bob", false),
                Clock.fixed(now, ZoneOffset.UTC));
        assertThat(key.createdAt()).isEqualTo(Instant.parse("2026-05-06T07:08:09.123Z"));
        assertThat(key.id().value().version()).isEqualTo(7);
        assertThat(key.id().value().getMostSignificantBits() >>> 16).isEqualTo(key.createdAt().toEpochMilli());
        assertThat(key.revoked()).isFalse();
        Instant later = now.plusSeconds(5);
        ApiKey revoked = key.revoke(later);
        assertThat(revoked.revokedAt()).isEqualTo(later);
        assertThat(revoked.revoke(later.plusSeconds(9))).isEqualTo(revoked);
    }

    @Test
    void principalNamesFollowTheHttpRule() {
        assertThat(ApiKeyRules.isValidPrincipal("alice_01-x")).isTrue();
        assertThat(ApiKeyRules.isValidPrincipal("a".repeat(63))).isTrue();
        for (String bad : new String[] {"", "Alice", "a".repeat(64), "../x", "a/b", "a:b", "a.b", "a\u0000", " a", null}) {
            assertThat(ApiKeyRules.isValidPrincipal(bad)).as(String.valueOf(bad)).isFalse();
        }
    }
}
