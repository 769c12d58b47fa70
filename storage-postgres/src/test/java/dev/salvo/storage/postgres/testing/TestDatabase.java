package dev.salvo.storage.postgres.testing;

import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.PostgresSettings;
import dev.salvo.storage.postgres.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One database on the shared test server, owned by whoever created it. */
public record TestDatabase(String name, String jdbcUrl, String username, String password) {

    /** Settings for this database; migrations are the creator's business, so none run on open. */
    public PostgresSettings settings(int maxPoolSize) {
        return new PostgresSettings(jdbcUrl, username, password, maxPoolSize, false);
    }

    /** A new pool on this database, as a separate process or replica would have. */
    public PostgresDatabase open(int maxPoolSize) {
        return PostgresDatabase.open(settings(maxPoolSize));
    }

    /** Empties every table except the migration history, leaving the schema in place. */
    public void truncateAllTables() {
        try (Connection connection = connect()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "select tablename from pg_tables where schemaname = current_schema() and tablename <> ?")) {
                query.setString(1, SchemaMigrations.HISTORY_TABLE);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        tables.add('"' + rows.getString(1).replace("\"", "\"\"") + '"');
                    }
                }
            }
            if (!tables.isEmpty()) {
                try (Statement truncate = connection.createStatement()) {
                    truncate.execute("truncate table " + String.join(", ", tables));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot empty test database " + name + ": " + e.getMessage(), e);
        }
    }

    /** A plain JDBC connection, for assertions on the schema or raw rows. */
    public Connection connect() throws SQLException {
        return JdbcSupport.connect(jdbcUrl, username, password);
    }

    // A record would print the password.
    @Override
    public String toString() {
        return "TestDatabase[" + name + "]";
    }
}
