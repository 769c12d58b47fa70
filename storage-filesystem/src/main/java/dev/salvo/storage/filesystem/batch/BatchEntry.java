package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStamp;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.daemon.DaemonId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A batch in memory: its creation record (immutable), the batch-level state derived from its log
 * (stamps, links, models) and, once loaded, its {@link RequestTable}. Guarded by the store's lock.
 *
 * <p>{@code batch.json} holds the creation record plus a snapshot of the derived state tagged with the
 * log length it reflects. On open, a terminal or deleted batch whose log still has exactly that length
 * is taken from the snapshot without replaying its log — its request table is loaded only when a request
 * of it is read — while every other batch is replayed. The log stays the only truth; the snapshot is a
 * cache that is ignored as soon as it disagrees.
 */
final class BatchEntry {

    static final int FORMAT = 1;

    /** What applying an effect needs from the store. */
    interface Context {
        int daemonNumber(DaemonId daemon);

        int modelNumber(String model);

        /** The request table for a populate effect (loaded from the batch's hard-linked index). */
        RequestTable table(BatchEntry entry, Effect.Populate populate) throws IOException;
    }

    /** Per-kind counters and virtual file totals: what a batch without a loaded table still has to answer. */
    record Summary(long[] originals, long[] copyKinds, int copies, long outputLines, long outputBytes,
                   long errorLines, long errorBytes) {
        static Summary empty() {
            return new Summary(new long[RequestTable.KINDS], new long[RequestTable.KINDS], 0, 0, 0, 0, 0);
        }
    }

    // creation
    final BatchId id;
    final FileId inputFileId;
    final String endpoint;
    final String completionWindow;
    final Map<String, String> metadata;
    final String createdBy;
    final String apiKeyId;
    final String apiKey;
    final Long expectedRequests;
    final FileId outputFileId;
    final FileId errorFileId;
    final long createdAt;
    final long expiresAt;
    final Path directory;

    // derived from the log
    boolean inputLinked;
    boolean outputLinked;
    boolean errorLinked;
    long inProgressAt;
    long finalizingAt;
    long completedAt;
    long failedAt;
    long expiredAt;
    long cancellingAt;
    long cancelledAt;
    long deletedAt;
    long notifiedAt;
    String errorMessage;
    FileId templateFileId;
    int templateCount;
    List<String> models;

    RequestTable table;
    private Summary stored;

    AppendFile log;
    boolean headerDirty;
    /** When the request table was last needed ({@link System#nanoTime}), for unloading idle finished batches. */
    long lastUsed = System.nanoTime();
    /** Requests counted as purged so far (memory only: an interrupted purge simply counts again). */
    long purgedRows;
    final ReentrantLock headerLock = new ReentrantLock();
    /**
     * {@link #view()} as of the last finished change, for reads that take no lock; null when not known.
     * Written only under the store lock: replaced at the end of every change that touched this batch
     * (so a change in progress never hides it), withdrawn when a change fails and at replay, set again
     * by the next locked read.
     */
    volatile Batch published;

    BatchEntry(BatchId id, FileId inputFileId, String endpoint, String completionWindow, Map<String, String> metadata,
               String createdBy, String apiKeyId, String apiKey, Long expectedRequests, FileId outputFileId,
               FileId errorFileId, long createdAt, long expiresAt, Path directory) {
        this.id = id;
        this.inputFileId = inputFileId;
        this.endpoint = endpoint;
        this.completionWindow = completionWindow;
        this.metadata = Map.copyOf(metadata);
        this.createdBy = createdBy;
        this.apiKeyId = apiKeyId;
        this.apiKey = apiKey;
        this.expectedRequests = expectedRequests;
        this.outputFileId = outputFileId;
        this.errorFileId = errorFileId;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.directory = directory;
        resetDerived();
    }

    /** Back to the state right after creation, before replaying the log from its start. */
    void resetDerived() {
        inputLinked = true;
        outputLinked = true;
        errorLinked = true;
        inProgressAt = Nanos.NONE;
        finalizingAt = Nanos.NONE;
        completedAt = Nanos.NONE;
        failedAt = Nanos.NONE;
        expiredAt = Nanos.NONE;
        cancellingAt = Nanos.NONE;
        cancelledAt = Nanos.NONE;
        deletedAt = Nanos.NONE;
        notifiedAt = Nanos.NONE;
        errorMessage = null;
        templateFileId = null;
        templateCount = 0;
        models = List.of();
        table = null;
        stored = Summary.empty();
    }

    // ------------------------------------------------------------------ state questions

    boolean populated() {
        return inProgressAt != Nanos.NONE;
    }

    boolean deleted() {
        return deletedAt != Nanos.NONE;
    }

    boolean cancelling() {
        return cancellingAt != Nanos.NONE;
    }

    /** Completed, failed, cancelled or expired: the stamps that end a batch. */
    boolean hasTerminalStamp() {
        return completedAt != Nanos.NONE || failedAt != Nanos.NONE || cancelledAt != Nanos.NONE || expiredAt != Nanos.NONE;
    }

    /** Its requests may be claimed (the deadline aside). */
    boolean running() {
        return BatchLifecycle.RUNNING.test(stamps());
    }

    /** The stamps that are set, as the domain's batch rules read them. */
    Set<BatchStamp> stamps() {
        return BatchStamp.where(stamp -> switch (stamp) {
            case IN_PROGRESS -> inProgressAt != Nanos.NONE;
            case FINALIZING -> finalizingAt != Nanos.NONE;
            case COMPLETED -> completedAt != Nanos.NONE;
            case FAILED -> failedAt != Nanos.NONE;
            case EXPIRED -> expiredAt != Nanos.NONE;
            case CANCELLING -> cancellingAt != Nanos.NONE;
            case CANCELLED -> cancelledAt != Nanos.NONE;
            case DELETED -> deletedAt != Nanos.NONE;
        });
    }

    /**
     * What {@link BatchLifecycle#settle} asks about this batch. A copy still racing a terminal original is
     * what {@code awaitingCopy} counts: the rule's question.
     */
    BatchLifecycle.SettleFacts settleFacts() {
        RequestTable t = table;
        return new BatchLifecycle.SettleFacts(stamps(), t == null ? 0 : templateCount, t == null ? 0 : t.originalsTerminal(),
                () -> t != null && t.inFlightCount() > 0, () -> t != null && t.awaitingCopy() > 0);
    }

    /** The request table is needed but not in memory: load it before touching requests. */
    boolean tableNotLoaded() {
        return populated() && table == null;
    }

    FileId fileId() {
        return inputLinked ? inputFileId : null;
    }

    Summary summary() {
        if (table == null) {
            return stored;
        }
        return new Summary(table.originalKinds(), table.copyKinds(), table.copies(), table.outputLines(),
                table.outputBytes(), table.errorLines(), table.errorBytes());
    }

    int requestRows() {
        return templateCount + summary().copies();
    }

    RequestCounts counts() {
        if (!populated()) {
            return new RequestCounts(expectedRequests == null ? 0 : expectedRequests, 0, 0, 0, 0, 0);
        }
        long[] k = summary().originals();
        long pending = k[RequestTable.PENDING];
        long inProgress = k[RequestTable.CLAIMED] + k[RequestTable.PROCESSING];
        long canceled = k[RequestTable.CANCELED];
        if (cancelling()) {
            canceled += pending + inProgress;
            pending = 0;
            inProgress = 0;
        }
        return new RequestCounts(templateCount, pending, inProgress,
                k[RequestTable.COMPLETED] + k[RequestTable.SUPERSEDED], k[RequestTable.FAILED], canceled);
    }

    Batch view() {
        return new Batch(id, fileId(), endpoint, completionWindow, metadata, createdBy, apiKeyId,
                outputLinked ? outputFileId : null, errorLinked ? errorFileId : null,
                Nanos.toInstant(createdAt), Nanos.toInstant(expiresAt), Nanos.toInstant(inProgressAt),
                Nanos.toInstant(finalizingAt), Nanos.toInstant(completedAt), Nanos.toInstant(failedAt),
                Nanos.toInstant(expiredAt), Nanos.toInstant(cancellingAt), Nanos.toInstant(cancelledAt),
                Nanos.toInstant(deletedAt), errorMessage, counts());
    }

    /**
     * Drops the request table of a finished batch, keeping its counters; it is replayed from the log when
     * a request of it is needed again. Streams already open keep reading the table they captured.
     */
    void unload() {
        stored = summary();
        RequestTable requests = table;
        table = null;
        try {
            requests.templates.close();
        } catch (IOException e) {
            // Only a read channel: nothing to lose, and readers fall back to a channel of their own.
        }
    }

    // ------------------------------------------------------------------ applying effects

    /** Whether an effect changes what {@code batch.json} snapshots beyond request counters. */
    static boolean batchLevel(Effect effect) {
        return !(effect instanceof Effect.Claim || effect instanceof Effect.Write || effect instanceof Effect.Supersede
                || effect instanceof Effect.Cancel || effect instanceof Effect.Reset);
    }

    void apply(Effect effect, Context context) throws IOException {
        switch (effect) {
            case Effect.Populate p -> {
                table = context.table(this, p);
                inProgressAt = p.at();
                templateCount = p.count();
                models = List.copyOf(p.models());
                templateFileId = p.file();
            }
            case Effect.Claim c -> {
                int daemon = context.daemonNumber(c.daemon());
                for (int ordinal : c.ordinals()) {
                    requireRequest(ordinal).claim(ordinal, daemon, c.at());
                }
            }
            case Effect.Write w -> {
                int daemon = w.state().daemon() == null ? -1 : context.daemonNumber(w.state().daemon());
                requireRequest(w.ordinal()).write(w.ordinal(), w.state(), daemon);
            }
            case Effect.Supersede s -> requireRequest(s.ordinal()).supersede(s.ordinal(), s.at(), s.by());
            case Effect.Cancel c -> {
                for (int ordinal : c.ordinals()) {
                    requireRequest(ordinal).cancel(ordinal, c.at());
                }
            }
            case Effect.Reset r -> {
                for (int ordinal : r.ordinals()) {
                    requireRequest(ordinal).reset(ordinal, r.zeroAttempt());
                }
            }
            case Effect.RetryAllFailed r -> requireTable().retryAllFailed();
            case Effect.Expire e -> {
                requireTable().expire(e.at());
                if (expiredAt == Nanos.NONE) {
                    expiredAt = e.at();
                }
            }
            case Effect.Escalate e -> {
                RequestTable requests = requireTable();
                int model = context.modelNumber(e.model());
                for (int original : e.originals()) {
                    if (!requests.contains(original)) {
                        throw new IOException("escalation of unknown request " + original);
                    }
                    requests.addCopy(original, model, e.apiKey());
                }
            }
            case Effect.Stamp s -> {
                switch (s.field()) {
                    case FINALIZING -> finalizingAt = keep(finalizingAt, s.at());
                    case COMPLETED -> completedAt = keep(completedAt, s.at());
                    case CANCELLING -> cancellingAt = keep(cancellingAt, s.at());
                    case CANCELLED -> cancelledAt = keep(cancelledAt, s.at());
                    case NOTIFIED -> notifiedAt = keep(notifiedAt, s.at());
                }
            }
            case Effect.Reopen r -> {
                finalizingAt = Nanos.NONE;
                completedAt = Nanos.NONE;
                notifiedAt = Nanos.NONE;
            }
            case Effect.MarkFailed f -> {
                if (failedAt == Nanos.NONE) {
                    failedAt = f.at();
                    errorMessage = f.message();
                }
            }
            case Effect.Unlink u -> {
                switch (u.link()) {
                    case INPUT -> inputLinked = false;
                    case OUTPUT -> outputLinked = false;
                    case ERROR -> errorLinked = false;
                }
            }
            case Effect.Deleted d -> deletedAt = keep(deletedAt, d.at());
        }
    }

    private static long keep(long current, long at) {
        return current != Nanos.NONE ? current : at;
    }

    private RequestTable requireTable() throws IOException {
        if (table == null) {
            throw new IOException("batch " + id + ": a request change before its requests were created");
        }
        return table;
    }

    private RequestTable requireRequest(int ordinal) throws IOException {
        RequestTable requests = requireTable();
        if (!requests.contains(ordinal)) {
            throw new IOException("batch " + id + ": change to unknown request " + ordinal);
        }
        return requests;
    }

    // ------------------------------------------------------------------ batch.json

    byte[] encodeHeader() {
        Summary summary = summary();
        long logLength = log == null ? 0 : log.reservedLength();
        return Json.pretty(g -> {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", id.toString());
            g.writeStringField("input_file_id", inputFileId.toString());
            g.writeStringField("endpoint", endpoint);
            g.writeStringField("completion_window", completionWindow);
            Json.stringMap(g, "metadata", metadata);
            g.writeStringField("created_by", createdBy);
            Json.nullableString(g, "api_key_id", apiKeyId);
            Json.nullableString(g, "api_key", apiKey);
            if (expectedRequests != null) {
                g.writeNumberField("expected_requests", expectedRequests);
            }
            g.writeStringField("output_file_id", outputFileId.toString());
            g.writeStringField("error_file_id", errorFileId.toString());
            Json.instant(g, "created_at", createdAt);
            Json.instant(g, "expires_at", expiresAt);
            g.writeObjectFieldStart("snapshot");
            g.writeNumberField("log_length", logLength);
            g.writeBooleanField("input_linked", inputLinked);
            g.writeBooleanField("output_linked", outputLinked);
            g.writeBooleanField("error_linked", errorLinked);
            Json.instant(g, "in_progress_at", inProgressAt);
            Json.instant(g, "finalizing_at", finalizingAt);
            Json.instant(g, "completed_at", completedAt);
            Json.instant(g, "failed_at", failedAt);
            Json.instant(g, "expired_at", expiredAt);
            Json.instant(g, "cancelling_at", cancellingAt);
            Json.instant(g, "cancelled_at", cancelledAt);
            Json.instant(g, "deleted_at", deletedAt);
            Json.instant(g, "notified_at", notifiedAt);
            if (errorMessage != null) {
                g.writeStringField("error_message", errorMessage);
            }
            if (templateFileId != null) {
                g.writeStringField("template_file_id", templateFileId.toString());
            }
            g.writeNumberField("template_count", templateCount);
            g.writeArrayFieldStart("models");
            for (String model : models) {
                g.writeString(model);
            }
            g.writeEndArray();
            numbers(g, "original_kinds", summary.originals());
            numbers(g, "copy_kinds", summary.copyKinds());
            g.writeNumberField("copies", summary.copies());
            numbers(g, "output", new long[] {summary.outputLines(), summary.outputBytes()});
            numbers(g, "errors", new long[] {summary.errorLines(), summary.errorBytes()});
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void numbers(JsonGenerator g, String field, long[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (long value : values) {
            g.writeNumber(value);
        }
        g.writeEndArray();
    }

    /** A batch.json read back: the entry (derived state reset) and its snapshot, to adopt only if it matches the log. */
    record Header(BatchEntry entry, JsonNode snapshot, long logLength) {

        /** Takes the snapshot as the derived state (the log is known to be exactly what it reflects). */
        void adopt() throws IOException {
            BatchEntry e = entry;
            JsonNode s = snapshot;
            e.inputLinked = s.path("input_linked").asBoolean(true);
            e.outputLinked = s.path("output_linked").asBoolean(true);
            e.errorLinked = s.path("error_linked").asBoolean(true);
            e.inProgressAt = Json.instant(s, "in_progress_at");
            e.finalizingAt = Json.instant(s, "finalizing_at");
            e.completedAt = Json.instant(s, "completed_at");
            e.failedAt = Json.instant(s, "failed_at");
            e.expiredAt = Json.instant(s, "expired_at");
            e.cancellingAt = Json.instant(s, "cancelling_at");
            e.cancelledAt = Json.instant(s, "cancelled_at");
            e.deletedAt = Json.instant(s, "deleted_at");
            e.notifiedAt = Json.instant(s, "notified_at");
            e.errorMessage = Json.optionalText(s, "error_message");
            e.templateCount = Json.integer(s, "template_count");
            String templateFile = Json.optionalText(s, "template_file_id");
            try {
                e.templateFileId = templateFile == null ? null : FileId.parse(templateFile);
            } catch (IllegalArgumentException ex) {
                throw new IOException(ex.getMessage(), ex);
            }
            List<String> models = new ArrayList<>();
            for (JsonNode m : s.path("models")) {
                models.add(m.textValue());
            }
            e.models = List.copyOf(models);
            long[] output = longs(s, "output", 2);
            long[] errors = longs(s, "errors", 2);
            e.stored = new Summary(longs(s, "original_kinds", RequestTable.KINDS), longs(s, "copy_kinds", RequestTable.KINDS),
                    Json.integer(s, "copies"), output[0], output[1], errors[0], errors[1]);
        }

        private static long[] longs(JsonNode node, String field, int length) throws IOException {
            JsonNode array = node.get(field);
            if (array == null || !array.isArray() || array.size() != length) {
                throw new IOException("'" + field + "' must be an array of " + length + " numbers");
            }
            long[] values = new long[length];
            for (int i = 0; i < length; i++) {
                values[i] = array.get(i).longValue();
            }
            return values;
        }
    }

    static Header decodeHeader(byte[] content, Path directory) throws IOException {
        JsonNode n = Json.parse(content);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        long format = Json.number(n, "format");
        if (format != FORMAT) {
            throw new IOException("format " + format + " is not supported (this version reads " + FORMAT + ")");
        }
        BatchEntry entry;
        try {
            entry = new BatchEntry(BatchId.parse(Json.text(n, "id")), FileId.parse(Json.text(n, "input_file_id")),
                    Json.text(n, "endpoint"), Json.text(n, "completion_window"), Json.stringMap(n, "metadata"),
                    Json.text(n, "created_by"), Json.optionalText(n, "api_key_id"), Json.optionalText(n, "api_key"),
                    Json.optionalNumber(n, "expected_requests"), FileId.parse(Json.text(n, "output_file_id")),
                    FileId.parse(Json.text(n, "error_file_id")), Json.instant(n, "created_at"),
                    Json.instant(n, "expires_at"), directory);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        JsonNode snapshot = n.get("snapshot");
        if (snapshot == null || !snapshot.isObject()) {
            throw new IOException("'snapshot' must be an object");
        }
        return new Header(entry, snapshot, Json.number(snapshot, "log_length"));
    }
}
