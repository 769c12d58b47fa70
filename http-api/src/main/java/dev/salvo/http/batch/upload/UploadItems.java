package dev.salvo.http.batch.upload;

import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.http.error.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A multipart upload as the item stream {@code BatchStorage.createFileStream} consumes: the storage pulls
 * items, and each pull reads just enough of the request body to produce the next one. The first problem
 * of any kind — a bad line, too many lines, a truncated body, a missing or wrong {@code purpose} even if
 * it arrives after the file — ends the stream with an {@link FileStreamItem.Abort}, so the store keeps
 * nothing; {@link #failure()} then says what to answer.
 *
 * <p>Form fields: {@code file} (required), {@code purpose} (required, {@code batch}),
 * {@code expires_after[anchor]} ({@code created_at}) and {@code expires_after[seconds]} (3600–2592000; both as in
 * {@link ExpiresAfter}).
 * Other fields are read (up to 64 KiB) and ignored, as SDKs may add some.
 */
public final class UploadItems implements Iterator<FileStreamItem> {

    private static final int MAX_FIELD_BYTES = 64 * 1024;
    /** Room for the multipart framing and small fields around the file part. */
    private static final long FRAMING_ALLOWANCE = 1024 * 1024;

    private enum Phase { BEFORE_FILE, LINES, AFTER_FILE, DONE }

    private final InputStream body;
    private final MultipartReader multipart;
    private final UploadRules settings;
    private final String owner;
    private final TemplateLineParser lines;
    private LimitedInputStream fileBytes;
    private LineReader reader;
    private Phase phase = Phase.BEFORE_FILE;
    private FileStreamItem next;
    private ApiException failure;
    private long templates;
    private String purpose;
    private String expiresAnchor;
    private String expiresSeconds;

    private UploadItems(InputStream body, MultipartReader multipart, UploadRules settings, String owner) {
        this.body = body;
        this.multipart = multipart;
        this.settings = settings;
        this.owner = owner;
        this.lines = new TemplateLineParser(settings);
    }

    /**
     * @param body        the request body
     * @param contentType the request's Content-Type (must be multipart/form-data with a boundary)
     * @param owner       the uploading principal, recorded as the file's owner
     * @throws ApiException 400 if the body is not multipart/form-data
     */
    public static UploadItems of(InputStream body, String contentType, UploadRules settings, String owner) {
        String boundary = MultipartReader.boundary(contentType).orElseThrow(() -> ApiException.invalidRequest(
                "invalid_content_type", null, "Upload a file as multipart/form-data with the fields 'file' and 'purpose'."));
        InputStream limited = new LimitedInputStream(body, settings.maxUploadBytes() + FRAMING_ALLOWANCE);
        return new UploadItems(limited, MultipartReader.open(limited, boundary), settings, owner);
    }

    /** Why the stream aborted, if it did. */
    public Optional<ApiException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Bytes of the file part (what the File object reports as {@code bytes}). */
    public long fileBytes() {
        return fileBytes == null ? 0 : fileBytes.count();
    }

    /**
     * Reads and drops what is left of the request body after a refusal, so the client, still sending,
     * reads the error instead of a reset connection. Bounded by the upload limit.
     *
     * @return whether the body was read to its end (if not, the connection should be closed)
     */
    public boolean discardRest() {
        byte[] sink = new byte[64 * 1024];
        try {
            while (body.read(sink) >= 0) {
                // drop
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && phase != Phase.DONE) {
            try {
                next = advance();
            } catch (ApiException e) {
                fail(e);
            } catch (InvalidLineException e) {
                fail(ApiException.invalidRequest(e.code(), "file", e.getMessage()));
            } catch (LineReader.LineTooLongException e) {
                fail(ApiException.invalidRequest("line_too_long", "file", e.getMessage()));
            } catch (LimitedInputStream.TooLargeException e) {
                fail(ApiException.tooLarge("file", "The file is larger than this server accepts ("
                        + settings.maxUploadBytes() + " bytes)."));
            } catch (MultipartReader.MalformedException e) {
                fail(ApiException.invalidRequest("invalid_multipart", null, e.getMessage()));
            } catch (IOException e) {
                fail(ApiException.invalidRequest("upload_interrupted", null,
                        "The upload could not be read to its end: " + e.getMessage()));
            }
        }
        return next != null;
    }

    @Override
    public FileStreamItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        FileStreamItem item = next;
        next = null;
        return item;
    }

    private void fail(ApiException e) {
        failure = e;
        next = new FileStreamItem.Abort();
        phase = Phase.DONE;
    }

    private FileStreamItem advance() throws IOException, InvalidLineException {
        while (true) {
            switch (phase) {
                case BEFORE_FILE -> {
                    MultipartReader.Part part = multipart.next().orElseThrow(() -> ApiException.invalidRequest(
                            "missing_required_parameter", "file", "Missing required parameter: 'file'."));
                    if ("file".equals(part.name())) {
                        if (purpose != null) {
                            checkPurpose(); // refuse early, before reading a byte of the file
                        }
                        fileBytes = new LimitedInputStream(part.body(), settings.maxUploadBytes());
                        reader = new LineReader(fileBytes, settings.maxLineBytes());
                        phase = Phase.LINES;
                        String filename = part.filename() == null || part.filename().isBlank() ? "upload.jsonl" : part.filename();
                        return new FileStreamItem.Metadata(new FileMetadata(filename, null, "batch", null, null, null, owner, null));
                    }
                    readField(part);
                }
                case LINES -> {
                    while (reader.next()) {
                        if (isBlank(reader.bytes(), reader.length())) {
                            continue;
                        }
                        if (templates == settings.maxLinesPerFile()) {
                            throw ApiException.invalidRequest("too_many_lines", "file",
                                    "The file has more than " + settings.maxLinesPerFile() + " requests.");
                        }
                        RequestTemplateInput template = lines.parse(reader.bytes(), reader.length(), reader.lineNumber());
                        templates++;
                        return new FileStreamItem.Template(template);
                    }
                    if (templates == 0) {
                        throw ApiException.invalidRequest("empty_file", "file", "The file contains no requests.");
                    }
                    phase = Phase.AFTER_FILE;
                }
                case AFTER_FILE -> {
                    Optional<MultipartReader.Part> part = multipart.next();
                    if (part.isPresent()) {
                        if ("file".equals(part.get().name())) {
                            throw ApiException.invalidRequest("invalid_value", "file", "Upload exactly one 'file'.");
                        }
                        readField(part.get());
                        continue;
                    }
                    if (purpose == null) {
                        throw ApiException.invalidRequest("missing_required_parameter", "purpose",
                                "Missing required parameter: 'purpose'.");
                    }
                    checkPurpose();
                    Long seconds = expiry();
                    phase = Phase.DONE;
                    return new FileStreamItem.Metadata(new FileMetadata(null, null, null,
                            seconds == null ? null : ExpiresAfter.ANCHOR, seconds, fileBytes.count(), null, null));
                }
                case DONE -> {
                    return null;
                }
            }
        }
    }

    private void readField(MultipartReader.Part part) throws IOException {
        String value = readSmall(part.body(), part.name());
        switch (part.name()) {
            case "purpose" -> purpose = value.strip();
            case "expires_after[anchor]" -> expiresAnchor = value.strip();
            case "expires_after[seconds]" -> expiresSeconds = value.strip();
            default -> {
                // ignored: SDKs and tools may send fields Salvo has no use for
            }
        }
    }

    private void checkPurpose() {
        if (!"batch".equals(purpose)) {
            throw ApiException.invalidRequest("invalid_value", "purpose",
                    "This server stores batch input files only: 'purpose' must be 'batch', not '" + purpose + "'.");
        }
    }

    private Long expiry() {
        if (expiresAnchor == null && expiresSeconds == null) {
            return null;
        }
        if (!ExpiresAfter.isAnchor(expiresAnchor)) {
            throw ApiException.invalidRequest("invalid_value", "expires_after[anchor]",
                    "'expires_after[anchor]' must be '" + ExpiresAfter.ANCHOR + "'.");
        }
        try {
            long seconds = Long.parseLong(expiresSeconds == null ? "" : expiresSeconds);
            if (ExpiresAfter.inRange(seconds)) {
                return seconds;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidRequest("invalid_value", "expires_after[seconds]",
                "'expires_after[seconds]' must be a whole number from " + ExpiresAfter.range() + ".");
    }

    private static String readSmall(InputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_FIELD_BYTES) {
                throw ApiException.invalidRequest("invalid_value", name, "The form field '" + name + "' is too long.");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
