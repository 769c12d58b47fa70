package dev.salvo.storage.postgres;

/**
 * What a schema migration run did, for {@code salvo migrate} and the startup log.
 *
 * @param migrationsApplied how many migrations this run applied (0 when the schema was current)
 * @param schemaVersion     the schema version afterwards, or {@code null} if none was ever applied
 */
public record MigrationReport(int migrationsApplied, String schemaVersion) {
}
