package dev.salvo.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ApiKeyDigestTest {

    // echo -n abc | sha256sum
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void digestsTheUtf8BytesOfTheSecret() {
        // printf 'é' | sha256sum: the secret's two UTF-8 bytes, not one Latin-1 byte
        assertThat(ApiKeyDigest.of("\u00e9").hex())
                .isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
        // printf '' | sha256sum
        assertThat(ApiKeyDigest.of("").hex())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThatThrownBy(() -> ApiKeyDigest.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void onlySixtyFourLowercaseHexDigitsAreADigest() {
        assertThat(new ApiKeyDigest(ABC).hex()).isEqualTo(ABC);
        for (String bad : new String[] {ABC.toUpperCase(), ABC.substring(1), ABC + "0", "", ABC.replace('a', 'g')}) {
            assertThatThrownBy(() -> new ApiKeyDigest(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a SHA-256 digest is 64 lowercase hex digits");
        }
        assertThatThrownBy(() -> new ApiKeyDigest(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fromHexAcceptsEitherCase() {
        assertThat(ApiKeyDigest.fromHex(ABC.toUpperCase()).hex()).isEqualTo(ABC);
        assertThatThrownBy(() -> ApiKeyDigest.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeyDigest.fromHex(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fromBytesNeedsExactly32Bytes() {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) 0xff;
        bytes[31] = 0x01;
        assertThat(ApiKeyDigest.fromBytes(bytes).hex())
                .isEqualTo("ff00000000000000000000000000000000000000000000000000000000000001");
        for (byte[] bad : new byte[][] {null, new byte[0], new byte[31], new byte[33]}) {
            assertThatThrownBy(() -> ApiKeyDigest.fromBytes(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a SHA-256 digest has 32 bytes");
        }
    }

    @Test
    void bytesAreAFreshCopy() {
        ApiKeyDigest d = new ApiKeyDigest(ABC);
        byte[] b = d.bytes();
        assertThat(b).hasSize(32);
        assertThat(b[0]).isEqualTo((byte) 0xba);
        assertThat(b[31]).isEqualTo((byte) 0xad);
        b[0] = 0;
        assertThat(d.bytes()[0]).isEqualTo((byte) 0xba);
        assertThat(d.hex()).isEqualTo(ABC);
    }

    @Test
    void toStringShowsOnlyTheFirstEightDigits() {
        assertThat(new ApiKeyDigest(ABC).toString()).isEqualTo("ApiKeyDigest[sha256:ba7816bf…]");
    }

    @Test
    void secretHintsAreTheLastFourCharacters() {
        assertThat(ApiKeySecrets.hint("sk-salvo-abcd")).isEqualTo("abcd");
        assertThat(ApiKeySecrets.hint("sk-salvo-0123456789wxyz")).isEqualTo("wxyz");
        assertThatThrownBy(() -> ApiKeySecrets.hint("sk-salvo-abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("too short to be an API key secret");
        assertThatThrownBy(() -> ApiKeySecrets.hint(null)).isInstanceOf(NullPointerException.class);
        NewApiKey k = ApiKeySecrets.newKey("abc-but-long-enough", "bob", true);
        assertThat(k).isEqualTo(new NewApiKey(new ApiKeyDigest("d4b4a6f61729ee3bd02093e7025b0c16b427003b3ad2093c03d0d68f3b37f21e"),
                "bob", true, "ough"));
        assertThat(ApiKeySecrets.PREFIX).isEqualTo("sk-salvo-");
        assertThat(ApiKeySecrets.RANDOM_LENGTH).isEqualTo(43);
    }

    @Test
    void apiKeyIdsParseCompareAndCarryTheirCreationTime() {
        ApiKeyId low = ApiKeyId.parse("10000000-0000-7000-8000-000000000000");
        ApiKeyId high = ApiKeyId.parse("F0000000-0000-7000-8000-000000000000");
        assertThat(high.toString()).isEqualTo("f0000000-0000-7000-8000-000000000000");
        assertThat(low.compareTo(high)).isNegative();
        assertThat(high.compareTo(low)).isPositive();
        assertThat(low.compareTo(ApiKeyId.parse("10000000-0000-7000-8000-000000000000"))).isZero();
        assertThatThrownBy(() -> ApiKeyId.parse("1-1-1-1-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a API key id: 1-1-1-1-1");
        assertThatThrownBy(() -> new ApiKeyId(null)).isInstanceOf(NullPointerException.class);
        ApiKeyId generated = ApiKeyId.generate(Clock.fixed(Instant.parse("2026-03-01T10:00:00.123Z"), ZoneOffset.UTC));
        assertThat(generated.value().version()).isEqualTo(7);
        assertThat(generated.toString()).startsWith("019ca8d7-2d7b-7");
    }
}
