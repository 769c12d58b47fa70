package dev.salvo.http.support;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestId;
import dev.salvo.http.error.ApiException;
import java.util.function.Function;

/**
 * The OpenAI-style prefixes on the wire ({@code file-…}, {@code batch_…}, {@code batch_req_…}) over the
 * domain's UUIDs. The mapping is lossless both ways, and parsing accepts exactly the canonical form: an
 * id with anything else in it (a slash, a dot, a quote) is answered 404 before it reaches a store, so a
 * path- or SQL-like id never reaches the filesystem or a query.
 */
public final class WireIds {

    public static final String FILE = "file-";
    public static final String BATCH = "batch_";
    public static final String BATCH_REQUEST = "batch_req_";
    /** The {@code request_id} of an output line: Salvo's request id (the upstream's own id is not kept). */
    public static final String REQUEST = "req_";

    private WireIds() {
    }

    public static String file(FileId id) {
        return FILE + id;
    }

    public static String batch(BatchId id) {
        return BATCH + id;
    }

    public static String batchRequest(RequestId id) {
        return BATCH_REQUEST + id;
    }

    public static String request(RequestId id) {
        return REQUEST + id;
    }

    /** @throws ApiException 404 {@code file_not_found} if the text is not a file id */
    public static FileId parseFile(String text) {
        return parse(text, FILE, FileId::parse, "file_not_found", "No such file: '%s'.");
    }

    /** @throws ApiException 404 {@code batch_not_found} if the text is not a batch id */
    public static BatchId parseBatch(String text) {
        return parse(text, BATCH, BatchId::parse, "batch_not_found", "No such batch: '%s'.");
    }

    /** @throws ApiException 400 naming {@code param} if the text is not a batch request id */
    public static RequestId parseBatchRequest(String text, String param) {
        if (text != null && text.startsWith(BATCH_REQUEST)) {
            try {
                return RequestId.parse(text.substring(BATCH_REQUEST.length()));
            } catch (IllegalArgumentException ignored) {
                // answered below
            }
        }
        throw ApiException.invalidRequest("invalid_value", param, "'" + printable(text) + "' is not a batch request id (batch_req_…).");
    }

    private static <T> T parse(String text, String prefix, Function<String, T> parser, String code, String message) {
        if (text != null && text.startsWith(prefix)) {
            try {
                return parser.apply(text.substring(prefix.length()));
            } catch (IllegalArgumentException ignored) {
                // answered as not found: an id that cannot exist does not exist
            }
        }
        throw ApiException.notFound(code, message.formatted(printable(text)));
    }

    /** Echoing a client's id back is helpful; echoing 10 KB of it or control characters is not. */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
