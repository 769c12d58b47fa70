package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.Purpose;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An uploaded file as the store keeps it in memory: its {@code meta.json} (everything but the
 * templates, which stay on disk). Only {@code deletedAt} ever changes.
 */
final class FileEntry {

    static final int FORMAT = 1;

    final FileId id;
    final String name;
    final String description;
    final long sizeBytes;
    final String rawPurpose;
    final long createdAt;
    final long expiresAt;
    final String uploadedBy;
    final String apiKeyId;
    final int templateCount;
    /** The file's distinct models in first-seen order; {@code index.bin} refers to them by position. */
    final List<String> models;
    final List<ModelTemplateStats> stats;
    long deletedAt = Nanos.NONE;
    /** Templates counted as purged so far (memory only: an interrupted purge simply counts again). */
    long purgedRows;

    FileEntry(FileId id, String name, String description, long sizeBytes, String rawPurpose, long createdAt,
              long expiresAt, String uploadedBy, String apiKeyId, int templateCount, List<String> models,
              List<ModelTemplateStats> stats) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.sizeBytes = sizeBytes;
        this.rawPurpose = rawPurpose;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.uploadedBy = uploadedBy;
        this.apiKeyId = apiKeyId;
        this.templateCount = templateCount;
        this.models = List.copyOf(models);
        this.stats = List.copyOf(stats);
    }

    boolean deleted() {
        return deletedAt != Nanos.NONE;
    }

    BatchFile view(long now) {
        FileStatus status;
        if (deleted()) {
            status = FileStatus.DELETED;
        } else if (expiresAt != Nanos.NONE && BatchLifecycle.fileExpired(Nanos.toInstant(expiresAt), Nanos.toInstant(now))) {
            status = FileStatus.EXPIRED;
        } else {
            status = FileStatus.PROCESSED;
        }
        return new BatchFile(id, name, description, sizeBytes, status, null, Purpose.parse(rawPurpose).orElse(null),
                rawPurpose, Nanos.toInstant(createdAt), Nanos.toInstant(expiresAt), Nanos.toInstant(deletedAt),
                uploadedBy, apiKeyId, true);
    }

    byte[] encode() {
        return Json.pretty(g -> {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", id.toString());
            g.writeStringField("name", name);
            Json.nullableString(g, "description", description);
            g.writeNumberField("size_bytes", sizeBytes);
            Json.nullableString(g, "purpose", rawPurpose);
            Json.instant(g, "created_at", createdAt);
            Json.instant(g, "expires_at", expiresAt);
            Json.instant(g, "deleted_at", deletedAt);
            Json.nullableString(g, "uploaded_by", uploadedBy);
            Json.nullableString(g, "api_key_id", apiKeyId);
            g.writeNumberField("template_count", templateCount);
            g.writeArrayFieldStart("models");
            for (ModelTemplateStats s : stats) {
                g.writeStartObject();
                g.writeStringField("model", s.model());
                g.writeNumberField("requests", s.requestCount());
                g.writeNumberField("body_bytes", s.totalBodyBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code stats} is written in {@code models} order, which is what {@code index.bin} numbers refer to. */
    static FileEntry decode(byte[] content, Path file) throws IOException {
        JsonNode node = Json.parse(content);
        if (node == null || !node.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        long format = Json.number(node, "format");
        if (format != FORMAT) {
            throw new IOException(file + ": format " + format + " is not supported (this version reads " + FORMAT + ")");
        }
        List<String> models = new ArrayList<>();
        List<ModelTemplateStats> stats = new ArrayList<>();
        JsonNode array = node.get("models");
        if (array == null || !array.isArray()) {
            throw new IOException(file + ": 'models' must be an array");
        }
        for (JsonNode m : array) {
            String model = Json.text(m, "model");
            models.add(model);
            stats.add(new ModelTemplateStats(model, Json.number(m, "requests"), Json.number(m, "body_bytes")));
        }
        FileEntry entry = new FileEntry(FileId.parse(Json.text(node, "id")), Json.text(node, "name"),
                Json.optionalText(node, "description"), Json.number(node, "size_bytes"), Json.optionalText(node, "purpose"),
                Json.instant(node, "created_at"), Json.instant(node, "expires_at"), Json.optionalText(node, "uploaded_by"),
                Json.optionalText(node, "api_key_id"), Json.integer(node, "template_count"), models, stats);
        entry.deletedAt = Json.instant(node, "deleted_at");
        return entry;
    }
}
