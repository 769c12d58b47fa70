package dev.salvo.app.cli.batch;

/** A failure of a {@code salvo batch} command that ends it with one line on stderr and an exit code. */
public abstract sealed class CliException extends RuntimeException {

    CliException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The exit code of the command. */
    public abstract int exitCode();

    /** The line printed on stderr after {@code error: }. */
    public String describe() {
        return getMessage();
    }

    /** The server answered with an error; {@code type}, {@code code} and {@code param} come from OpenAI's envelope when it had one. */
    public static final class ApiError extends CliException {

        private final int status;
        private final String type;
        private final String code;
        private final String param;

        public ApiError(int status, String message, String type, String code, String param) {
            super(message, null);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }

        public String code() {
            return code;
        }

        public String param() {
            return param;
        }

        @Override
        public int exitCode() {
            return ExitCodes.SERVER_REFUSED;
        }

        @Override
        public String describe() {
            StringBuilder details = new StringBuilder("HTTP ").append(status);
            if (code != null && !code.isEmpty()) {
                details.append(", code: ").append(code);
            }
            if (param != null && !param.isEmpty()) {
                details.append(", param: ").append(param);
            }
            return getMessage() + " (" + details + ")";
        }
    }

    /** The server could not be reached, or the connection broke or timed out. */
    public static final class ConnectionFailed extends CliException {

        public ConnectionFailed(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public int exitCode() {
            return ExitCodes.CONNECTION;
        }
    }

    /** Something on the command line is wrong (a file that is not there, a URL that is not one). */
    public static final class Usage extends CliException {

        public Usage(String message) {
            super(message, null);
        }

        @Override
        public int exitCode() {
            return ExitCodes.USAGE;
        }
    }

    /** The command ran, but what it was asked for did not happen (a batch that did not complete, a file not written). */
    public static final class NotCompleted extends CliException {

        public NotCompleted(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public int exitCode() {
            return ExitCodes.NOT_COMPLETED;
        }
    }

    /** The thread was interrupted while talking to the server or waiting. */
    public static final class Interrupted extends CliException {

        public Interrupted() {
            super("interrupted", null);
        }

        @Override
        public int exitCode() {
            return ExitCodes.INTERRUPTED;
        }
    }
}
