package dev.salvo.storage.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvo.core.auth.ApiKeyDigest;
import dev.salvo.core.auth.ApiKeySecrets;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** V3__api_keys.sql: the unique digest index, the checks, and what a row holds. */
class ApiKeySchemaTest {

    @Test
    void digestsAreUniqueAndTheChecksHold() throws SQLException {
        TestDatabase database = PostgresTestServer.get().createDatabase();

        assertThat(rows(database, "select indexdef from pg_indexes where tablename = 'api_keys' and indexname = 'api_keys_digest_key'"))
                .singleElement().asString().contains("UNIQUE INDEX").endsWith("(digest)");
        assertThat(rows(database, "select indexdef from pg_indexes where tablename = 'api_keys' and indexname = 'api_keys_listing_idx'"))
                .singleElement().asString().endsWith("(created_at, id)");
        assertThat(rows(database, "select constraint_name from information_schema.table_constraints where table_name = 'api_keys'"))
                .contains("api_keys_pkey", "api_keys_digest_key", "api_keys_digest_is_sha256", "api_keys_principal_valid",
                        "api_keys_hint_valid", "api_keys_revoked_after_created");

        assertThatThrownBy(() -> insert(database, "../etc", "abcd", 32)).hasMessageContaining("api_keys_principal_valid");
        assertThatThrownBy(() -> insert(database, "alice", "a/b", 32)).hasMessageContaining("api_keys_hint_valid");
        assertThatThrownBy(() -> insert(database, "alice", "abcd", 31)).hasMessageContaining("api_keys_digest_is_sha256");
    }

    @Test
    void rowsHoldTheDigestNeverTheSecret() throws SQLException {
        TestDatabase database = PostgresTestServer.get().createDatabase();
        String secret = ApiKeySecrets.generate();
        try (PostgresDatabase pool = database.open(2)) {
            new PostgresApiKeyStore(pool.dsl(), Clock.systemUTC()).create(ApiKeySecrets.newKey(secret, "alice", true));
        }

        List<String> row = rows(database, "select id::text || '|' || encode(digest, 'hex') || '|' || principal || '|'"
                + " || is_admin || '|' || hint || '|' || created_at::text || '|' || coalesce(revoked_at::text, '') from api_keys");
        assertThat(row).singleElement().asString()
                .contains(ApiKeyDigest.of(secret).hex())
                .contains("|alice|true|" + secret.substring(secret.length() - 4) + "|")
                .doesNotContain(secret)
                .doesNotContain(secret.substring(ApiKeySecrets.PREFIX.length(), 20));
        assertThat(rows(database, "select count(*) from api_keys where position(convert_to(?, 'UTF8') in digest) > 0"
                + " or principal like '%' || ? || '%'", secret, secret)).containsExactly("0");
    }

    private static void insert(TestDatabase database, String principal, String hint, int digestBytes) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("insert into api_keys"
                     + " (id, digest, principal, is_admin, hint, created_at) values (gen_random_uuid(), ?, ?, false, ?, now())")) {
            insert.setBytes(1, new byte[digestBytes]);
            insert.setString(2, principal);
            insert.setString(3, hint);
            insert.executeUpdate();
        }
    }

    private static List<String> rows(TestDatabase database, String sql, String... parameters) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    values.add(result.getString(1));
                }
            }
            return values;
        }
    }
}
