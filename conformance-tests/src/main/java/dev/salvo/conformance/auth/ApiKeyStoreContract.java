package dev.salvo.conformance.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.Concurrently;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.Requires;
import dev.salvo.conformance.Rule;
import dev.salvo.conformance.StoreContract;
import dev.salvo.core.auth.ApiKey;
import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeyId;
import dev.salvo.core.auth.ApiKeyStore;
import dev.salvo.core.auth.ApiKeyStoreException;
import dev.salvo.core.auth.NewApiKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ApiKeyStore} adapter must pass. Subclass it once: return a fresh, empty store over
 * the given clock from {@link #newStore(MutableClock)}, declare {@link #capabilities()}, and implement
 * {@link #reopen} for {@link Capability#DURABLE} and {@link #openAnother} for {@link Capability#MULTI_PROCESS}
 * (what {@code salvo keys} opens beside a running server). Adapters that take {@code createdAt} and
 * {@code revokedAt} from that clock declare {@link Capability#CONTROLLABLE_CLOCK}. Each test names its rule
 * with {@link Rule}; the statements are in {@code dev/salvo/conformance/auth/rules.tsv}.
 */
public abstract class ApiKeyStoreContract extends StoreContract<ApiKeyStore> {

    /** Microsecond digits on purpose: stores keep milliseconds. */
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final Instant T0_MILLIS = Instant.parse("2026-03-01T12:00:00.123Z");

    private final AtomicInteger secrets = new AtomicInteger();

    /** The clock starts at {@code T0}, microseconds included: stores keep milliseconds (AK-1.5, AK-3.2). */
    @Override
    protected final MutableClock newClock() {
        return new MutableClock(T0);
    }

    // ---------------------------------------------------------------- helpers

    /** A distinct secret per call; only its digest reaches the store. */
    private String secret() {
        return "sk-test-" + secrets.incrementAndGet() + "-" + System.nanoTime();
    }

    private static NewApiKey request(String secret, String principal, boolean admin) {
        return new NewApiKey(ApiKeyDigest.of(secret), principal, admin, secret.substring(secret.length() - 4));
    }

    private ApiKey create(String secret, String principal, boolean admin) {
        return store().create(request(secret, principal, admin));
    }

    private void assertNothingStored(String... secrets) {
        assertThat(store().list()).isEmpty();
        for (String secret : secrets) {
            assertThat(store().findByDigest(ApiKeyDigest.of(secret))).isEmpty();
        }
    }

    private static final Comparator<ApiKey> LIST_ORDER =
            Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id);

    // ---------------------------------------------------------------- 1. create and find

    @Test
    @Rule("AK-1.1")
    void createReturnsTheStoredKey() {
        ApiKey key = store().create(new NewApiKey(ApiKeyDigest.of("sk-one"), "alice", true, "-one"));

        assertThat(key.id()).isNotNull();
        assertThat(key.principal()).isEqualTo("alice");
        assertThat(key.admin()).isTrue();
        assertThat(key.hint()).isEqualTo("-one");
        assertThat(key.revoked()).isFalse();
        assertThat(key.revokedAt()).isNull();
        assertThat(store().get(key.id())).contains(key);
        assertThat(store().list()).containsExactly(key);
    }

    @Test
    @Rule("AK-1.2")
    void digestRoundTrip() {
        String adminSecret = secret();
        String userSecret = secret();
        ApiKey admin = create(adminSecret, "ops", true);
        ApiKey user = create(userSecret, "tenant-1", false);

        assertThat(store().findByDigest(ApiKeyDigest.of(adminSecret))).contains(admin);
        assertThat(store().findByDigest(ApiKeyDigest.of(userSecret))).contains(user);
        assertThat(store().findByDigest(ApiKeyDigest.fromHex(ApiKeyDigest.of(userSecret).hex().toUpperCase())))
                .contains(user);
    }

    @Test
    @Rule("AK-1.3")
    void unknownIsEmpty() {
        assertThat(store().findByDigest(ApiKeyDigest.of("sk-nobody"))).isEmpty();
        assertThat(store().get(ApiKeyId.generate(clock()))).isEmpty();

        String secret = secret();
        ApiKey key = create(secret, "alice", false);
        assertThat(store().findByDigest(ApiKeyDigest.of(secret + "x"))).isEmpty();
        assertThat(store().findByDigest(ApiKeyDigest.of(secret.substring(0, secret.length() - 1)))).isEmpty();
        assertThat(store().get(ApiKeyId.generate(clock()))).isEmpty();
        assertThat(store().get(key.id())).contains(key);
    }

    @Test
    @Rule("AK-1.4")
    void idsAreTimeOrderedUuids() {
        Set<ApiKeyId> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ApiKey key = create(secret(), "alice", false);
            assertThat(key.id().value().version()).isEqualTo(7);
            assertThat(key.id().value().getMostSignificantBits() >>> 16).isEqualTo(key.createdAt().toEpochMilli());
            assertThat(ids.add(key.id())).isTrue();
            clock().advance(Duration.ofMillis(i % 3));
        }
    }

    @Test
    @Rule("AK-1.5")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void createdAtFollowsTheClock() {
        ApiKey first = create(secret(), "alice", false);
        clock().advance(Duration.ofHours(5).plusNanos(1_500_000));
        ApiKey second = create(secret(), "alice", false);

        assertThat(first.createdAt()).isEqualTo(T0_MILLIS);
        assertThat(second.createdAt()).isEqualTo(Instant.parse("2026-03-01T17:00:00.124Z"));   // .123456 + 1.5 ms, truncated
        assertThat(store().get(first.id()).orElseThrow().createdAt()).isEqualTo(T0_MILLIS);
        assertThat(store().list()).extracting(ApiKey::createdAt).containsExactly(first.createdAt(), second.createdAt());
    }

    @Test
    @Rule("AK-1.6")
    void severalKeysPerPrincipal() {
        String a = secret();
        String b = secret();
        ApiKey plain = create(a, "alice", false);
        ApiKey admin = create(b, "alice", true);

        assertThat(plain.id()).isNotEqualTo(admin.id());
        assertThat(store().findByDigest(ApiKeyDigest.of(a)).orElseThrow().admin()).isFalse();
        assertThat(store().findByDigest(ApiKeyDigest.of(b)).orElseThrow().admin()).isTrue();
        assertThat(store().list()).extracting(ApiKey::principal).containsExactly("alice", "alice");
    }

    // ---------------------------------------------------------------- 2. validation

    @Test
    @Rule("AK-2.1")
    void badPrincipalsAreRejected() {
        List<String> bad = new ArrayList<>(List.of("", "Alice", "ALICE", "a".repeat(64), "../keys", "..", ".", "a/b",
                "a\\b", "/etc/passwd", "a\u0000b", "alice\n", " alice", "a:b", "a.b", "a b", "ålice", "a%2fb",
                "C:x", "~root"));
        bad.add(null);
        String secret = secret();
        for (String principal : bad) {
            assertThatThrownBy(() -> store().create(new NewApiKey(ApiKeyDigest.of(secret), principal, true, "abcd")))
                    .as("principal %s", principal)
                    .isInstanceOf(ApiKeyStoreException.Validation.class);
        }
        assertNothingStored(secret);
        // and the digest is still free afterwards
        assertThat(create(secret, "alice", false).principal()).isEqualTo("alice");
    }

    @Test
    @Rule("AK-2.2")
    void badDigestOrHintIsRejected() {
        String secret = secret();
        ApiKeyDigest digest = ApiKeyDigest.of(secret);
        assertThatThrownBy(() -> store().create(null)).isInstanceOf(ApiKeyStoreException.Validation.class);
        assertThatThrownBy(() -> store().create(new NewApiKey(null, "alice", false, "abcd")))
                .isInstanceOf(ApiKeyStoreException.Validation.class);
        for (String hint : new String[] {null, "", "123456789", "ab/c", "a.b", "../", "ab\u0000", "sk salvo"}) {
            assertThatThrownBy(() -> store().create(new NewApiKey(digest, "alice", false, hint)))
                    .as("hint %s", hint)
                    .isInstanceOf(ApiKeyStoreException.Validation.class);
        }
        assertNothingStored(secret);
    }

    @Test
    @Rule("AK-2.3")
    void edgePrincipalsAreAccepted() {
        String longest = ("abcdefghijklmnopqrstuvwxyz0123456789_-" + "z".repeat(30)).substring(0, 63);
        ApiKey shortest = create(secret(), "x", false);
        ApiKey longKey = create(secret(), longest, true);
        ApiKey hinted = store().create(new NewApiKey(ApiKeyDigest.of(secret()), "-_9", false, "Az09_-xY"));

        assertThat(store().get(shortest.id()).orElseThrow().principal()).isEqualTo("x");
        assertThat(store().get(longKey.id()).orElseThrow().principal()).isEqualTo(longest);
        assertThat(store().get(hinted.id()).orElseThrow().hint()).isEqualTo("Az09_-xY");
        assertThat(store().list()).hasSize(3);
    }

    @Test
    @Rule("AK-2.4")
    void duplicateDigestIsConflict() {
        String secret = secret();
        ApiKey original = create(secret, "alice", false);

        assertThatThrownBy(() -> create(secret, "mallory", true)).isInstanceOf(ApiKeyStoreException.Conflict.class);
        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).contains(original);

        ApiKey revoked = store().revoke(original.id());
        assertThatThrownBy(() -> create(secret, "mallory", true)).isInstanceOf(ApiKeyStoreException.Conflict.class);
        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).isEmpty();
        assertThat(store().list()).containsExactly(revoked);
    }

    // ---------------------------------------------------------------- 3. revoke

    @Test
    @Rule("AK-3.1")
    void revokedKeysDoNotAuthenticate() {
        String secret = secret();
        ApiKey key = create(secret, "alice", true);

        ApiKey revoked = store().revoke(key.id());

        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.id()).isEqualTo(key.id());
        assertThat(revoked.principal()).isEqualTo("alice");
        assertThat(revoked.admin()).isTrue();
        assertThat(revoked.hint()).isEqualTo(key.hint());
        assertThat(revoked.createdAt()).isEqualTo(key.createdAt());
        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).isEmpty();
        assertThat(store().get(key.id())).contains(revoked);
        assertThat(store().list()).containsExactly(revoked);
    }

    @Test
    @Rule("AK-3.2")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void revokedAtFollowsTheClock() {
        ApiKey key = create(secret(), "alice", false);
        clock().advance(Duration.ofMinutes(3).plusNanos(2_700_000));

        ApiKey revoked = store().revoke(key.id());

        Instant expected = Instant.parse("2026-03-01T12:03:00.126Z");   // 12:00:00.123456 + 3 min 2.7 ms, truncated
        assertThat(revoked.revokedAt()).isEqualTo(expected);
        assertThat(store().get(key.id()).orElseThrow().revokedAt()).isEqualTo(expected);
    }

    @Test
    @Rule("AK-3.3")
    void revokeIsIdempotent() {
        ApiKey key = create(secret(), "alice", false);
        ApiKey first = store().revoke(key.id());
        clock().advance(Duration.ofDays(1));

        ApiKey second = store().revoke(key.id());

        assertThat(second).isEqualTo(first);
        assertThat(store().get(key.id())).contains(first);
        assertThat(store().list()).containsExactly(first);
    }

    @Test
    @Rule("AK-3.4")
    void revokeUnknownIsNotFound() {
        ApiKey key = create(secret(), "alice", false);
        ApiKeyId unknown = ApiKeyId.generate(clock());

        assertThatThrownBy(() -> store().revoke(unknown))
                .isInstanceOfSatisfying(ApiKeyStoreException.NotFound.class, e -> assertThat(e.id()).isEqualTo(unknown));
        assertThat(store().list()).containsExactly(key);
    }

    @Test
    @Rule("AK-3.5")
    void revokeIsPerKey() {
        String a = secret();
        String b = secret();
        ApiKey first = create(a, "alice", false);
        ApiKey second = create(b, "alice", false);

        store().revoke(first.id());

        assertThat(store().findByDigest(ApiKeyDigest.of(a))).isEmpty();
        assertThat(store().findByDigest(ApiKeyDigest.of(b))).contains(second);
        assertThat(store().get(second.id()).orElseThrow().revoked()).isFalse();
    }

    // ---------------------------------------------------------------- 4. list

    @Test
    @Rule("AK-4.1")
    void emptyList() {
        assertThat(store().list()).isEmpty();
    }

    @Test
    @Rule("AK-4.2")
    void listIsSorted() {
        List<ApiKey> created = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            created.add(create(secret(), "p" + (i % 4), i % 5 == 0));
            if (i % 3 == 0) {
                clock().advance(Duration.ofMillis(1));
            }
        }
        ApiKey revoked = store().revoke(created.get(7).id());
        created.set(7, revoked);

        List<ApiKey> listed = store().list();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(created);
        assertThat(listed).isSortedAccordingTo(LIST_ORDER);
    }

    @Test
    @Rule("AK-4.3")
    @Requires(Capability.CONTROLLABLE_CLOCK)
    void listOrderIsByTimeThenId() {
        clock().set(T0.plusSeconds(2));
        ApiKey late = create(secret(), "alice", false);
        clock().set(T0.plusSeconds(1));
        ApiKey middle = create(secret(), "alice", false);
        clock().set(T0);
        List<ApiKey> tied = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tied.add(create(secret(), "bob", false));
        }
        tied.sort(Comparator.comparing(ApiKey::id));

        List<ApiKey> expected = new ArrayList<>(tied);
        expected.add(middle);
        expected.add(late);
        assertThat(store().list()).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------- 5. concurrency

    @Test
    @Rule("AK-5.1")
    void concurrentCreates() {
        int threads = 16;
        int perThread = 25;
        Map<String, ApiKey> bySecret = new ConcurrentHashMap<>();
        Concurrently.run(threads, worker -> {
            for (int i = 0; i < perThread; i++) {
                String secret = "sk-concurrent-" + worker + "-" + i;
                bySecret.put(secret, create(secret, "w" + worker, i % 2 == 0));
            }
        });

        assertThat(bySecret).hasSize(threads * perThread);
        assertThat(bySecret.values().stream().map(ApiKey::id).distinct()).hasSize(threads * perThread);
        List<ApiKey> listed = store().list();
        assertThat(listed).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(bySecret.values());
        assertThat(listed).isSortedAccordingTo(LIST_ORDER);
        bySecret.forEach((secret, key) -> assertThat(store().findByDigest(ApiKeyDigest.of(secret))).contains(key));
    }

    @Test
    @Rule("AK-5.2")
    void concurrentDuplicateDigest() {
        String secret = secret();
        ConcurrentLinkedQueue<ApiKey> winners = new ConcurrentLinkedQueue<>();
        AtomicInteger conflicts = new AtomicInteger();
        Concurrently.run(8, worker -> {
            try {
                winners.add(create(secret, "p" + worker, false));
            } catch (ApiKeyStoreException.Conflict e) {
                conflicts.incrementAndGet();
            }
        });

        assertThat(winners).hasSize(1);
        assertThat(conflicts).hasValue(7);
        assertThat(store().list()).containsExactly(winners.peek());
        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).contains(winners.peek());
    }

    @Test
    @Rule("AK-5.3")
    void concurrentRevokes() {
        ApiKey key = create(secret(), "alice", false);
        ConcurrentLinkedQueue<ApiKey> results = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, worker -> {
            results.add(store().revoke(key.id()));
            clock().advance(Duration.ofMillis(1));
        });

        ApiKey stored = store().get(key.id()).orElseThrow();
        assertThat(stored.revoked()).isTrue();
        assertThat(results).hasSize(8).allSatisfy(r -> assertThat(r).isEqualTo(stored));
    }

    // ---------------------------------------------------------------- 6. durability

    @Test
    @Rule("AK-6.1")
    @Requires(Capability.DURABLE)
    void survivesReopen() {
        String a = secret();
        String b = secret();
        String c = secret();
        create(a, "alice", true);
        clock().advance(Duration.ofMillis(5));
        ApiKey bob = create(b, "bob", false);
        create(c, "carol", false);
        store().revoke(bob.id());
        List<ApiKey> before = store().list();

        reopenStore();

        assertThat(store().list()).isEqualTo(before);
        assertThat(store().findByDigest(ApiKeyDigest.of(a))).contains(before.get(0));
        assertThat(store().findByDigest(ApiKeyDigest.of(b))).isEmpty();
        assertThat(store().get(bob.id()).orElseThrow().revoked()).isTrue();
        assertThat(store().findByDigest(ApiKeyDigest.of(c)).orElseThrow().principal()).isEqualTo("carol");
    }

    @Test
    @Rule("AK-6.2")
    @Requires(Capability.DURABLE)
    void createsContinueAfterReopen() {
        String a = secret();
        ApiKey first = create(a, "alice", false);

        reopenStore();

        assertThatThrownBy(() -> create(a, "alice", false)).isInstanceOf(ApiKeyStoreException.Conflict.class);
        clock().advance(Duration.ofMillis(1));
        String b = secret();
        ApiKey second = create(b, "alice", true);
        assertThat(store().list()).containsExactly(first, second);
        assertThat(store().findByDigest(ApiKeyDigest.of(b))).contains(second);
        assertThat(store().revoke(first.id()).revoked()).isTrue();
    }

    // ---------------------------------------------------------------- 7. several instances

    @Test
    @Rule("AK-7.1")
    @Requires(Capability.MULTI_PROCESS)
    void createsAreSeenByOtherInstances() {
        ApiKeyStore other = anotherStore();
        String early = secret();
        assertThat(store().findByDigest(ApiKeyDigest.of(early))).isEmpty();
        assertThat(store().list()).isEmpty();

        ApiKey created = other.create(request(early, "alice", true));

        assertThat(store().findByDigest(ApiKeyDigest.of(early))).contains(created);
        assertThat(store().get(created.id())).contains(created);
        assertThat(store().list()).containsExactly(created);
        String later = secret();
        ApiKey mine = create(later, "bob", false);
        assertThat(other.findByDigest(ApiKeyDigest.of(later))).contains(mine);
        assertThatThrownBy(() -> other.create(request(later, "mallory", true)))
                .isInstanceOf(ApiKeyStoreException.Conflict.class);
    }

    @Test
    @Rule("AK-7.2")
    @Requires(Capability.MULTI_PROCESS)
    void revokesAreSeenByOtherInstances() {
        ApiKeyStore other = anotherStore();
        String secret = secret();
        ApiKey key = create(secret, "alice", false);
        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).contains(key);
        assertThat(other.findByDigest(ApiKeyDigest.of(secret))).contains(key);

        ApiKey revoked = other.revoke(key.id());

        assertThat(store().findByDigest(ApiKeyDigest.of(secret))).isEmpty();
        assertThat(store().get(key.id())).contains(revoked);
        assertThat(store().revoke(key.id())).isEqualTo(revoked);
    }

    @Test
    @Rule("AK-7.3")
    @Requires(Capability.MULTI_PROCESS)
    void concurrentCreatesThroughTwoInstances() {
        ApiKeyStore other = anotherStore();
        int threads = 8;
        int perThread = 10;
        Map<String, ApiKey> bySecret = new ConcurrentHashMap<>();
        Concurrently.run(threads, worker -> {
            ApiKeyStore target = worker % 2 == 0 ? store() : other;
            for (int i = 0; i < perThread; i++) {
                String secret = "sk-two-" + worker + "-" + i;
                bySecret.put(secret, target.create(request(secret, "w" + worker, false)));
            }
        });

        for (ApiKeyStore view : List.of(store(), other)) {
            assertThat(view.list()).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(bySecret.values());
            bySecret.forEach((secret, key) -> assertThat(view.findByDigest(ApiKeyDigest.of(secret))).contains(key));
        }
    }
}
