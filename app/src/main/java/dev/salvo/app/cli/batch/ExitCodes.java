package dev.salvo.app.cli.batch;

/**
 * Exit codes of {@code salvo batch}, distinct so that scripts can tell a mistake on the command line
 * from a refusal by the server from a server that could not be reached.
 */
public final class ExitCodes {

    /** Done; for {@code submit --wait}, the batch completed. */
    public static final int OK = 0;
    /** The batch ended without completing (failed, expired, cancelled), has no results yet, or a local file could not be written. */
    public static final int NOT_COMPLETED = 1;
    /** The command line is wrong: unknown option, missing argument, unreadable input file, bad URL (picocli's own code). */
    public static final int USAGE = 2;
    /** The server answered with an error (OpenAI's error envelope, or any non-2xx answer). */
    public static final int SERVER_REFUSED = 3;
    /** The server could not be reached, or the connection broke or timed out. */
    public static final int CONNECTION = 4;
    /** Interrupted while waiting (Ctrl-C ends the JVM with 130 itself; this is for a thread interrupt). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
