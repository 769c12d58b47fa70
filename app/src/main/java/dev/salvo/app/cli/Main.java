package dev.salvo.app.cli;

import picocli.CommandLine;

/** Entry point of the {@code salvo} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SalvoCommand())
                .setExecutionExceptionHandler(new FriendlyErrors());
    }
}
