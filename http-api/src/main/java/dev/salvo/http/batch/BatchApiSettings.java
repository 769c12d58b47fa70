package dev.salvo.http.batch;

import dev.salvo.http.batch.upload.UploadRules;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Limits and choices of the Files and Batches API.
 *
 * @param maxUploadBytes      largest upload accepted (the whole multipart body); 413 above it
 * @param maxLinesPerFile     most requests in one input file (OpenAI: 50,000)
 * @param maxLineBytes        longest JSONL line, in bytes
 * @param allowedEndpoints    the {@code url}s an input line and a batch's {@code endpoint} may name
 * @param servedModels        the models this deployment serves: a line naming another model is refused
 *                            at upload; empty = any model (for deployments routing by something else)
 * @param completionWindows   the completion windows a batch may ask for (the first is the default)
 */
public record BatchApiSettings(long maxUploadBytes, int maxLinesPerFile, int maxLineBytes, List<String> allowedEndpoints,
                               Set<String> servedModels, List<String> completionWindows) {

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 200L * 1024 * 1024;
    public static final int DEFAULT_MAX_LINES = 50_000;
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
    public static final List<String> DEFAULT_ENDPOINTS =
            List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses");
    public static final List<String> DEFAULT_WINDOWS = List.of("24h");

    public BatchApiSettings {
        if (maxUploadBytes < 1 || maxLinesPerFile < 1 || maxLineBytes < 64) {
            throw new IllegalArgumentException("upload limits must be positive (line length at least 64 bytes)");
        }
        allowedEndpoints = List.copyOf(Objects.requireNonNull(allowedEndpoints, "allowedEndpoints"));
        servedModels = Set.copyOf(Objects.requireNonNull(servedModels, "servedModels"));
        completionWindows = List.copyOf(Objects.requireNonNull(completionWindows, "completionWindows"));
        if (allowedEndpoints.isEmpty() || completionWindows.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint and one completion window must be allowed");
        }
    }

    public static BatchApiSettings defaults(Set<String> servedModels) {
        return new BatchApiSettings(DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_LINES, DEFAULT_MAX_LINE_BYTES, DEFAULT_ENDPOINTS,
                servedModels, DEFAULT_WINDOWS);
    }

    public BatchApiSettings withMaxUploadBytes(long bytes) {
        return new BatchApiSettings(bytes, maxLinesPerFile, maxLineBytes, allowedEndpoints, servedModels, completionWindows);
    }

    public BatchApiSettings withMaxLinesPerFile(int lines) {
        return new BatchApiSettings(maxUploadBytes, lines, maxLineBytes, allowedEndpoints, servedModels, completionWindows);
    }

    public BatchApiSettings withMaxLineBytes(int bytes) {
        return new BatchApiSettings(maxUploadBytes, maxLinesPerFile, bytes, allowedEndpoints, servedModels, completionWindows);
    }

    public BatchApiSettings withCompletionWindows(List<String> windows) {
        return new BatchApiSettings(maxUploadBytes, maxLinesPerFile, maxLineBytes, allowedEndpoints, servedModels, windows);
    }

    public String defaultCompletionWindow() {
        return completionWindows.getFirst();
    }

    public boolean servesModel(String model) {
        return servedModels.isEmpty() || servedModels.contains(model);
    }

    public UploadRules uploadRules() {
        return new UploadRules(maxUploadBytes, maxLinesPerFile, maxLineBytes, allowedEndpoints, servedModels);
    }
}
