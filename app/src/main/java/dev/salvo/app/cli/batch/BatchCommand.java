package dev.salvo.app.cli.batch;

import picocli.CommandLine.Command;

/**
 * {@code salvo batch}: a command-line client of a Salvo server's OpenAI Files and Batches API, for people
 * who prefer a terminal to an SDK. It talks HTTP only, so it works against any Salvo server (or any
 * OpenAI-compatible one) it can reach.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {
            "Submit batches to a Salvo server and fetch their results (the server's URL: --url or SALVO_URL; "
                    + "the key: --api-key, SALVO_API_KEY or OPENAI_API_KEY).",
            "Exit codes: 0 done, 1 batch did not complete, 2 usage error, 3 refused by the server, 4 server unreachable."},
        subcommands = {SubmitCommand.class, StatusCommand.class, ResultsCommand.class, CancelCommand.class, ListCommand.class})
public final class BatchCommand {
}
