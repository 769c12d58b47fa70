package dev.salvo.app.cli.batch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Cancel a batch: it goes to 'cancelling', in-flight requests finish, the rest are not sent; results so far are kept.",
            "Cancelling a batch that has already ended is refused by the server (exit code 3)."})
final class CancelCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "BATCH_ID", description = "The batch (batch_…).")
    String batchId;

    @Option(names = "--json", description = "Print the batch object as JSON.")
    boolean json;

    @Override
    int run() {
        StatusCommand.print(this, new BatchView(client().cancelBatch(batchId)), json);
        return ExitCodes.OK;
    }
}
