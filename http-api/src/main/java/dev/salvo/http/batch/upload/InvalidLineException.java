package dev.salvo.http.batch.upload;

/** One line of an upload is not a valid batch request; the message names the (1-based) line. */
public final class InvalidLineException extends Exception {

    private final long lineNumber;
    private final String code;

    InvalidLineException(long lineNumber, String code, String problem) {
        super("Line " + lineNumber + ": " + problem);
        this.lineNumber = lineNumber;
        this.code = code;
    }

    public long lineNumber() {
        return lineNumber;
    }

    public String code() {
        return code;
    }
}
