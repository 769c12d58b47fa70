package dev.salvo.bench;

import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.RequestTemplateInput;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A file upload generated on the fly — nothing is held in memory, so the bench measures the store,
 * not the generator. Bodies are chat-completion requests padded to the requested size.
 */
final class SyntheticFile implements Iterator<FileStreamItem> {

    private final int lines;
    private final int bodyBytes;
    private final String[] models;
    private final String padding;
    private int emitted = -1;

    SyntheticFile(int lines, int bodyBytes, String... models) {
        this.lines = lines;
        this.bodyBytes = bodyBytes;
        this.models = models;
        this.padding = "x".repeat(Math.max(0, bodyBytes - 120));
    }

    /** Bytes of template bodies this file carries. */
    long totalBodyBytes() {
        long total = 0;
        for (int i = 0; i < lines; i++) {
            total += body(i).length();
        }
        return total;
    }

    @Override
    public boolean hasNext() {
        return emitted < lines;
    }

    @Override
    public FileStreamItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int i = emitted++;
        if (i < 0) {
            return new FileStreamItem.Metadata(new FileMetadata("bench.jsonl", "synthetic", "batch", null, null,
                    (long) lines * bodyBytes, "bench", null));
        }
        return new FileStreamItem.Template(new RequestTemplateInput("req-" + i, "http://127.0.0.1:1", "POST",
                "/v1/chat/completions", body(i), models[i % models.length], "sk-bench"));
    }

    private String body(int i) {
        return "{\"model\":\"" + models[i % models.length] + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + i + " "
                + padding + "\"}]}";
    }
}
