package dev.salvo.app.cli;

import dev.salvo.app.config.ConfigException;
import picocli.CommandLine;

/** Configuration and startup problems print one clear line instead of a stack trace. */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Throwable root = e;
        while (root.getCause() != null && !(root instanceof ConfigException) && !(root instanceof IllegalStateException)) {
            root = root.getCause();
        }
        commandLine.getErr().println("salvo: " + (root.getMessage() != null ? root.getMessage() : root.toString()));
        if (!(root instanceof ConfigException) && !(root instanceof IllegalStateException)) {
            e.printStackTrace(commandLine.getErr());
        }
        return 2;
    }
}
