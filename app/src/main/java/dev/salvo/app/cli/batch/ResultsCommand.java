package dev.salvo.app.cli.batch;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "results", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Stream a batch's output file (or, with --errors, its error file) as JSONL to stdout or a file.",
            "Lines are OpenAI's: {id, custom_id, response: {status_code, request_id, body}, error}; join them on custom_id.",
            "While the batch runs, Salvo serves the results so far (a note on stderr says so)."})
final class ResultsCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "BATCH_ID", description = "The batch (batch_…).")
    String batchId;

    @Option(names = "--errors", description = "The error file: the requests that failed (or expired) instead.")
    boolean errors;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout (replaced only once complete).")
    Path output;

    @Override
    int run() {
        OpenAiClient client = client();
        BatchView batch = new BatchView(client.retrieveBatch(batchId));
        String fileId = errors ? batch.errorFileId() : batch.outputFileId();
        if (fileId == null) {
            if (errors) {
                err().println("batch " + batch.id() + " has no error file (status " + batch.status() + ").");
                return ExitCodes.OK;
            }
            throw new CliException.NotCompleted("batch " + batch.id() + " has no output file yet (status " + batch.status() + ")", null);
        }
        try (OpenAiClient.Download download = client.fileContent(fileId)) {
            if (download.incomplete()) {
                err().println("note: batch " + batch.id() + " is still " + batch.status() + "; these are its results so far.");
                err().flush();
            }
            if (output == null) {
                Downloads.toWriter(download.body(), out());
            } else {
                long lines = Downloads.toFile(download.body(), output);
                err().println("wrote " + ProgressMeter.count(lines) + (lines == 1 ? " line" : " lines") + " to " + output);
            }
        } catch (IOException e) {
            throw new CliException.ConnectionFailed("the download broke off: " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }
}
