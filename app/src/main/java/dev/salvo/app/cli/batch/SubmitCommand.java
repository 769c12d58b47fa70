package dev.salvo.app.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvo.app.config.ConfigException;
import dev.salvo.app.config.Durations;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Upload a JSONL file of requests and create a batch from it; print the batch id on stdout.",
            "With --wait, follow the batch to its end with a progress bar on stderr (Ctrl-C stops waiting, not the batch)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the batch was created (with --wait: it completed)",
            "1:with --wait: the batch failed, expired or was cancelled",
            "2:usage error (options, unreadable file, bad URL)",
            "3:the server refused (the message says why, e.g. which line of the file is invalid)",
            "4:the server could not be reached"})
final class SubmitCommand extends ClientCommand {

    static final String DEFAULT_ENDPOINT = "/v1/chat/completions";
    private static final int MAX_FIRST_LINE_CHARS = 4 * 1024 * 1024;

    @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "Batch input file: one {custom_id, method, url, body} request per line.")
    Path file;

    @Option(names = "--endpoint", paramLabel = "PATH",
            description = "The batch's endpoint (default: the 'url' of the file's first line, else " + DEFAULT_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--completion-window", paramLabel = "WINDOW", defaultValue = "24h",
            description = "Completion window (default: ${DEFAULT-VALUE}).")
    String completionWindow;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Metadata pair for the batch; repeatable (up to 16).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--wait", description = "Wait until the batch ends, showing progress; exit 0 only if it completed.")
    boolean waitForEnd;

    @Option(names = "--output", paramLabel = "DIR",
            description = "With --wait (implied): download the output and error files into DIR as <batch_id>_output.jsonl "
                    + "and <batch_id>_error.jsonl.")
    Path outputDir;

    @Option(names = "--json", description = "Print the batch object (with --wait: the final one) as JSON instead of the id.")
    boolean json;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress display while waiting: auto (a bar on a terminal, plain lines otherwise), bar, lines, none.")
    String progress;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often to ask the server while waiting (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Override
    int run() {
        ProgressDisplay.Mode mode = progressMode();
        if (pollInterval.compareTo(Duration.ofMillis(50)) < 0) {
            throw new CliException.Usage("--poll-interval must be at least 50ms");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliException.Usage("cannot read " + file + (Files.exists(file) ? ": not a readable file" : ": no such file"));
        }
        String batchEndpoint = endpoint != null ? endpoint : firstLineUrl(file).orElse(DEFAULT_ENDPOINT);
        OpenAiClient client = client();
        long size = size(file);
        err().println("uploading " + file.getFileName() + " (" + ProgressMeter.count(size) + " bytes) to " + client.base() + " …");
        err().flush();
        String fileId = client.uploadFile(file, "batch").path("id").asText();
        JsonNode created;
        try {
            created = client.createBatch(fileId, batchEndpoint, completionWindow, metadata);
        } catch (CliException.ApiError e) {
            deleteQuietly(client, fileId); // the server refused the batch: leave no orphaned input file behind
            throw e;
        }
        BatchView batch = new BatchView(created);
        if (!json) {
            out().println(batch.id());
            out().flush();
        }
        if (!waitForEnd && outputDir == null) {
            if (json) {
                printJson(created);
            }
            err().println("batch " + batch.id() + " created (" + ProgressMeter.count(batch.total()) + " requests, endpoint "
                    + batchEndpoint + "); follow it with 'salvo batch status " + batch.id() + "'.");
            return ExitCodes.OK;
        }
        BatchView last = new BatchWaiter(client, err(), ProgressDisplay.forMode(mode, err()), pollInterval).await(batch);
        if (outputDir != null) {
            download(client, last);
        }
        if (json) {
            printJson(last.json());
        }
        return "completed".equals(last.status()) ? ExitCodes.OK : ExitCodes.NOT_COMPLETED;
    }

    private void download(OpenAiClient client, BatchView batch) {
        String[][] files = {{batch.outputFileId(), "output"}, {batch.errorFileId(), "error"}};
        for (String[] f : files) {
            if (f[0] == null) {
                continue;
            }
            Path target = outputDir.resolve(batch.id() + "_" + f[1] + ".jsonl");
            long lines;
            try (OpenAiClient.Download download = client.fileContent(f[0])) {
                lines = Downloads.toFile(download.body(), target);
            } catch (IOException e) {
                throw new CliException.ConnectionFailed("the download of " + target.getFileName() + " broke off: " + e.getMessage(), e);
            }
            err().println("wrote " + ProgressMeter.count(lines) + (lines == 1 ? " line" : " lines") + " to " + target);
        }
    }

    private ProgressDisplay.Mode progressMode() {
        try {
            return ProgressDisplay.Mode.valueOf(progress.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException.Usage("--progress must be auto, bar, lines or none, not '" + progress + "'");
        }
    }

    /** The {@code url} of the file's first non-blank line, if it is a JSON object with one. Reads that line only. */
    static Optional<String> firstLineUrl(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = reader.read()) >= 0 && line.length() < MAX_FIRST_LINE_CHARS) {
                if (c == '\n') {
                    if (!line.toString().isBlank()) {
                        break;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            String text = line.toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte order mark, as some Windows editors write
            }
            JsonNode url = new ObjectMapper().readTree(text).path("url");
            return url.isTextual() && !url.asText().isBlank() ? Optional.of(url.asText()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the server names what is wrong with the file, line by line
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new CliException.Usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(OpenAiClient client, String fileId) {
        try {
            client.deleteFile(fileId);
        } catch (CliException ignored) {
            // the original failure is what matters
        }
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse("--poll-interval", value);
            } catch (ConfigException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
