package dev.salvo.http.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchService;
import dev.salvo.core.batch.BatchCatalog;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.Purpose;
import dev.salvo.http.auth.BearerAuth;
import dev.salvo.http.auth.Principal;
import dev.salvo.http.batch.content.JsonlWriter;
import dev.salvo.http.batch.upload.UploadItems;
import dev.salvo.http.error.ApiException;
import dev.salvo.http.support.ListPage;
import dev.salvo.http.support.QueryParams;
import dev.salvo.http.support.RouteTable;
import dev.salvo.http.support.WireIds;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** OpenAI's Files API over {@link BatchCatalog}, plus the {@code template-stats} and {@code batches} extensions. */
public final class FileRoutes {

    static final String BASE = "/v1/files";
    private static final int DEFAULT_LIMIT = 10_000;
    private static final int MAX_LIMIT = 10_000;
    /** Beyond the file itself, what a multipart body may carry (framing, small fields). */
    private static final long FRAMING_ALLOWANCE = 1024 * 1024;

    private final BatchCatalog storage;
    private final BatchApiSettings settings;

    public FileRoutes(BatchCatalog storage, BatchApiSettings settings) {
        this.storage = storage;
        this.settings = settings;
    }

    public void register(RouteTable routes) {
        routes.post(BASE, this::upload);
        routes.get(BASE, this::list);
        routes.get(BASE + "/{file_id}", this::retrieve);
        routes.delete(BASE + "/{file_id}", this::delete);
        routes.get(BASE + "/{file_id}/content", this::content);
        routes.get(BASE + "/{file_id}/template-stats", this::templateStats);
        routes.get(BASE + "/{file_id}/batches", this::batches);
    }

    private void upload(Context ctx) throws IOException {
        Principal principal = BearerAuth.principal(ctx);
        long declared = ctx.req().getContentLengthLong();
        if (declared > settings.maxUploadBytes() + FRAMING_ALLOWANCE) {
            // Refused before reading a byte; the connection closes, so the client stops sending.
            ctx.header("Connection", "close");
            throw ApiException.tooLarge("file", "The file is larger than this server accepts ("
                    + settings.maxUploadBytes() + " bytes).");
        }
        UploadItems items = UploadItems.of(ctx.req().getInputStream(), ctx.contentType(), settings.uploadRules(), principal.id());
        FileStreamResult result = storage.createFileStream(items);
        switch (result) {
            case FileStreamResult.Success success -> ctx.json(FileObject.of(storage.getFileFromPrimary(success.fileId())));
            case FileStreamResult.Aborted aborted -> {
                ApiException failure = items.failure().orElseThrow(
                        () -> new IllegalStateException("the upload stream aborted without saying why"));
                if (!items.discardRest()) {
                    ctx.header("Connection", "close");
                }
                throw failure;
            }
        }
    }

    private void list(Context ctx) {
        Principal principal = BearerAuth.principal(ctx);
        int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        boolean descending = QueryParams.descending(ctx, true);
        FileId after = cursor(ctx.queryParam("after"));
        String purpose = ctx.queryParam("purpose");
        Predicate<BatchFile> keep = purposeFilter(purpose);
        FileFilter filter = FileFilter.all().withUploadedBy(Tenancy.listOwner(principal)).inAscendingOrder(!descending);
        if ("batch".equals(purpose)) {
            filter = filter.withPurpose(Purpose.BATCH);
        }
        // Output and error files both read as batch_output, so that filter runs here, page after page.
        List<BatchFile> found = new ArrayList<>();
        FileId cursor = after;
        while (found.size() <= limit) {
            List<BatchFile> page = listPage(filter.page(cursor, limit + 1));
            page.stream().filter(keep).limit(limit + 1L - found.size()).forEach(found::add);
            if (page.size() <= limit) {
                break;
            }
            cursor = page.getLast().id();
        }
        ctx.json(ListPage.of(found.stream().map(FileObject::of).toList(), limit, FileObject::id));
    }

    private List<BatchFile> listPage(FileFilter filter) {
        try {
            return storage.listFiles(filter);
        } catch (BatchStorageException.NotFound e) {
            throw ApiException.invalidRequest("invalid_value", "after", "'after' must be the id of a file from an earlier page.");
        }
    }

    private static Predicate<BatchFile> purposeFilter(String purpose) {
        if (purpose == null || purpose.isEmpty()) {
            return f -> true;
        }
        return f -> purpose.equals(FileObject.purpose(f));
    }

    private static FileId cursor(String after) {
        if (after == null || after.isEmpty()) {
            return null;
        }
        try {
            return WireIds.parseFile(after);
        } catch (ApiException e) {
            throw ApiException.invalidRequest("invalid_value", "after", "'after' must be a file id.");
        }
    }

    private void retrieve(Context ctx) {
        ctx.json(FileObject.of(ownFile(ctx)));
    }

    private void delete(Context ctx) {
        BatchFile file = ownFile(ctx);
        storage.deleteFile(file.id());
        ctx.json(new FileObject.Deleted(WireIds.file(file.id()), "file", true));
    }

    /**
     * The file's lines as JSONL. For a batch's output or error file these are the results so far; the
     * {@code X-Salvo-Incomplete: true} header says the batch is still running and more may follow.
     */
    private void content(Context ctx) throws IOException {
        BatchFile file = ownFile(ctx);
        if (file.isVirtual()) {
            OutputFileType type = file.purpose() == Purpose.BATCH_OUTPUT ? OutputFileType.OUTPUT : OutputFileType.ERROR;
            Optional<Batch> batch = storage.getBatchByOutputFileId(file.id(), type);
            ctx.header("X-Salvo-Incomplete", String.valueOf(batch.map(b -> !b.isTerminal()).orElse(false)));
        }
        ctx.contentType("application/jsonl");
        try (Stream<FileContentItem> items = storage.streamFileContent(file.id(), 0, null);
             OutputStream out = new BufferedOutputStream(ctx.res().getOutputStream(), 64 * 1024);
             JsonlWriter writer = new JsonlWriter(out)) {
            for (FileContentItem item : (Iterable<FileContentItem>) items::iterator) {
                writer.write(item);
            }
        }
    }

    record TemplateStats(String model, long requestCount, long totalBodyBytes) {
    }

    /** Per model: how many requests and how many body bytes (a Salvo extension, e.g. for cost estimates). */
    private void templateStats(Context ctx) {
        BatchFile file = ownFile(ctx);
        List<TemplateStats> stats = storage.getFileTemplateStats(file.id()).stream()
                .map(s -> new TemplateStats(s.model(), s.requestCount(), s.totalBodyBytes())).toList();
        ctx.json(new ListPage<>("list", stats, null, null, false));
    }

    /** The batches created from this file, newest first (a Salvo extension): what became of an upload. */
    private void batches(Context ctx) {
        BatchFile file = ownFile(ctx);
        List<BatchObject> batches = new BatchService(storage).fileBatches(Tenancy.caller(BearerAuth.principal(ctx)), file.id())
                .stream().map(BatchObject::of).toList();
        ctx.json(new ListPage<>("list", batches, batches.isEmpty() ? null : batches.getFirst().id(),
                batches.isEmpty() ? null : batches.getLast().id(), false));
    }

    private BatchFile ownFile(Context ctx) {
        FileId id = WireIds.parseFile(ctx.pathParam("file_id"));
        return Tenancy.visible(BearerAuth.principal(ctx), storage.getFile(id));
    }
}
