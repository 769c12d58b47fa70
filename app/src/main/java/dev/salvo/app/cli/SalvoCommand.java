package dev.salvo.app.cli;

import picocli.CommandLine.Command;

@Command(name = "salvo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Stores and executes LLM workloads: OpenAI-compatible batches and durable agent state.",
        subcommands = {ServeCommand.class, DaemonCommand.class, MigrateCommand.class, KeysCommand.class, dev.salvo.app.cli.batch.BatchCommand.class})
final class SalvoCommand {
}
