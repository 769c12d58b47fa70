package dev.salvo.bench;

import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStreamResult;
import java.util.stream.Stream;

/** Ingest of a large file through {@code createFileStream} and streaming it back, with MB/s and peak heap. */
final class IngestBench {

    record Result(long bytes, double ingestMbPerSecond, long ingestPeakHeap, double streamMbPerSecond, long streamPeakHeap) {
    }

    static Result run(BatchStorage storage, int lines, int bodyBytes) {
        SyntheticFile file = new SyntheticFile(lines, bodyBytes, "model-a", "model-b");
        long bytes = file.totalBodyBytes();

        HeapWatch.reset();
        long start = System.nanoTime();
        FileStreamResult result = storage.createFileStream(file);
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        long ingestPeak = HeapWatch.peakBytes();
        FileId id = ((FileStreamResult.Success) result).fileId();

        HeapWatch.reset();
        start = System.nanoTime();
        long read = 0;
        long count = 0;
        try (Stream<FileContentItem> items = storage.streamFileContent(id, 0, null)) {
            for (var it = items.iterator(); it.hasNext(); ) {
                read += ((FileContentItem.TemplateLine) it.next()).template().body().length();
                count++;
            }
        }
        double streamSeconds = (System.nanoTime() - start) / 1e9;
        long streamPeak = HeapWatch.peakBytes();
        if (count != lines || read != bytes) {
            throw new IllegalStateException("streamed " + count + " lines / " + read + " bytes, expected " + lines + " / " + bytes);
        }
        double mb = bytes / 1e6;
        return new Result(bytes, mb / ingestSeconds, ingestPeak, mb / streamSeconds, streamPeak);
    }
}
