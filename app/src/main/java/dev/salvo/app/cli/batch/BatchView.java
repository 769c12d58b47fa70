package dev.salvo.app.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Read access to an OpenAI Batch object as the server sent it, and the one-line summary the commands print. */
record BatchView(JsonNode json) {

    /** The statuses after which nothing changes any more. */
    static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");

    String id() {
        return text("id");
    }

    String status() {
        return text("status");
    }

    boolean isTerminal() {
        return TERMINAL.contains(status());
    }

    long total() {
        return json.path("request_counts").path("total").asLong(0);
    }

    long completed() {
        return json.path("request_counts").path("completed").asLong(0);
    }

    long failed() {
        return json.path("request_counts").path("failed").asLong(0);
    }

    String outputFileId() {
        return text("output_file_id");
    }

    String errorFileId() {
        return text("error_file_id");
    }

    /** The batch-level errors ({@code errors.data[].message}), e.g. why a batch failed. */
    List<String> errors() {
        List<String> messages = new ArrayList<>();
        for (JsonNode error : json.path("errors").path("data")) {
            String message = error.path("message").asText("");
            if (error.hasNonNull("line")) {
                message = "line " + error.get("line").asText() + ": " + message;
            }
            if (error.hasNonNull("code")) {
                message += " (" + error.get("code").asText() + ")";
            }
            messages.add(message);
        }
        return messages;
    }

    /** {@code batch_… in_progress 20/50 done, 1 failed}. */
    String summaryLine() {
        return id() + "  " + status() + "  " + ProgressMeter.count(completed() + failed()) + "/" + ProgressMeter.count(total())
                + " done, " + ProgressMeter.count(failed()) + " failed";
    }

    private String text(String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
