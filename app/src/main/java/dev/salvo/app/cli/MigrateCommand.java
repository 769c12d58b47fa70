package dev.salvo.app.cli;

import dev.salvo.app.backend.PostgresBackend;
import dev.salvo.storage.postgres.MigrationReport;
import dev.salvo.storage.postgres.SchemaMigrations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the PostgreSQL schema migrations and exit (for deployments that set salvo.storage.postgres.migrate-on-start=false).")
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        MigrationReport report = SchemaMigrations.migrate(PostgresBackend.settings(config.resolve(System.getenv())));
        System.out.println("salvo: PostgreSQL schema is up to date (" + report + ")");
        return 0;
    }
}
