package dev.salvo.core.batch;

/**
 * Size of a batch's virtual output or error file, as every adapter reports it: the bytes of the
 * results so far plus a fixed allowance per JSONL line for the envelope around them (id, custom_id,
 * status code). It is an estimate until the batch is terminal, then final.
 */
public final class VirtualFileSize {

    /** Envelope of one output line around the response body. */
    public static final long OUTPUT_LINE_OVERHEAD = 181;
    /** Envelope of one error line around the error message. */
    public static final long ERROR_LINE_OVERHEAD = 160;

    private VirtualFileSize() {
    }

    public static long ofOutput(long lines, long responseBodyBytes) {
        return lines == 0 ? 0 : responseBodyBytes + lines * OUTPUT_LINE_OVERHEAD;
    }

    public static long ofErrors(long lines, long messageBytes) {
        return lines == 0 ? 0 : messageBytes + lines * ERROR_LINE_OVERHEAD;
    }
}
