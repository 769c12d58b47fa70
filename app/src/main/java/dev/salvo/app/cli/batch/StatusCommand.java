package dev.salvo.app.cli.batch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show where a batch stands: one line (id, status, done/total, failed), or the batch object with --json.")
final class StatusCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "BATCH_ID", description = "The batch (batch_…).")
    String batchId;

    @Option(names = "--json", description = "Print the batch object as JSON.")
    boolean json;

    @Override
    int run() {
        BatchView batch = new BatchView(client().retrieveBatch(batchId));
        print(this, batch, json);
        return ExitCodes.OK;
    }

    static void print(ClientCommand command, BatchView batch, boolean json) {
        if (json) {
            command.printJson(batch.json());
            return;
        }
        command.out().println(batch.summaryLine());
        for (String error : batch.errors()) {
            command.out().println("  " + error);
        }
    }
}
