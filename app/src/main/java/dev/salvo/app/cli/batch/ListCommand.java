package dev.salvo.app.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List your most recent batches, newest first: one line each, or the list object with --json.")
final class ListCommand extends ClientCommand {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many (1 to 100, default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the list object as JSON.")
    boolean json;

    @Override
    int run() {
        if (limit < 1 || limit > 100) {
            throw new CliException.Usage("--limit must be from 1 to 100");
        }
        JsonNode list = client().listBatches(limit);
        if (json) {
            printJson(list);
            return ExitCodes.OK;
        }
        for (JsonNode item : list.path("data")) {
            BatchView batch = new BatchView(item);
            out().println(batch.summaryLine() + "  created " + Instant.ofEpochSecond(item.path("created_at").asLong()));
        }
        if (list.path("has_more").asBoolean(false)) {
            err().println("(more batches exist: raise --limit, or use the API's 'after' cursor)");
        }
        return ExitCodes.OK;
    }
}
