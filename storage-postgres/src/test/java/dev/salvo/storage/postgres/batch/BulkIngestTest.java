package dev.salvo.storage.postgres.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A 50,000-line upload goes in and comes back out with memory bounded by one chunk / one page. The
 * check is by reachability, not by timing or heap totals: the test keeps only weak references to the
 * templates it produced (or the items it consumed) and, after a collection, counts how many are still
 * held somewhere — which can only be the adapter's current chunk or page.
 */
class BulkIngestTest {

    private static final int LINES = 50_000;
    private static final int CHECK_EVERY = 10_000;
    /** One chunk being filled plus one being flushed, with room for what the driver or jOOQ still references. */
    private static final int MAX_RETAINED = 2 * FileStreamWriter.CHUNK_ROWS + 100;

    @Test
    void fiftyThousandTemplatesAreIngestedAndStreamedWithBoundedMemory() {
        try (PostgresDatabase pool = PostgresTestServer.get().createDatabase().open(2)) {
            PostgresBatchStorage storage = new PostgresBatchStorage(pool.dsl(), Clock.systemUTC());
            String padding = "x".repeat(400);
            List<WeakReference<RequestTemplateInput>> produced = new ArrayList<>(LINES);
            List<Integer> retainedAtChecks = new ArrayList<>();

            Iterator<FileStreamItem> items = new Iterator<>() {
                private int next = -1;

                @Override
                public boolean hasNext() {
                    return next < LINES;
                }

                @Override
                public FileStreamItem next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int i = next++;
                    if (i < 0) {
                        return new FileStreamItem.Metadata(FileMetadata.named("bulk.jsonl"));
                    }
                    if (i > 0 && i % CHECK_EVERY == 0) {
                        retainedAtChecks.add(stillReachable(produced));
                    }
                    RequestTemplateInput t = new RequestTemplateInput(String.format("line-%06d", i), "http://upstream.test",
                            "POST", BatchFixtures.PATH,
                            "{\"model\":\"m" + (i % 3) + "\",\"input\":\"" + i + padding + "\"}", "m" + (i % 3), "k");
                    produced.add(new WeakReference<>(t));
                    return new FileStreamItem.Template(t);
                }
            };

            FileStreamResult result = storage.createFileStream(items);

            assertThat(result).isInstanceOf(FileStreamResult.Success.class);
            assertThat(retainedAtChecks).hasSize(LINES / CHECK_EVERY - 1).allMatch(n -> n <= MAX_RETAINED);
            FileId id = ((FileStreamResult.Success) result).fileId();
            assertThat(storage.getFileTemplateStats(id)).extracting(ModelTemplateStats::requestCount)
                    .containsExactly(16_667L, 16_667L, 16_666L);

            List<WeakReference<FileContentItem>> consumed = new ArrayList<>(LINES);
            List<Integer> retainedWhileStreaming = new ArrayList<>();
            long expectedLine = 0;
            try (Stream<FileContentItem> content = storage.streamFileContent(id, 0, null)) {
                Iterator<FileContentItem> it = content.iterator();
                while (it.hasNext()) {
                    FileContentItem.TemplateLine line = (FileContentItem.TemplateLine) it.next();
                    assertThat(line.lineNumber()).isEqualTo(expectedLine);
                    assertThat(line.template().customId()).isEqualTo(String.format("line-%06d", expectedLine));
                    expectedLine++;
                    consumed.add(new WeakReference<>(line));
                    if (expectedLine % CHECK_EVERY == 0) {
                        retainedWhileStreaming.add(stillReachable(consumed));
                    }
                }
            }
            assertThat(expectedLine).isEqualTo(LINES);
            assertThat(retainedWhileStreaming).allMatch(n -> n <= KeysetPages.PAGE_SIZE + 10);
        }
    }

    /** How many of the referents survive a full collection. */
    private static <T> int stillReachable(List<WeakReference<T>> references) {
        System.gc();
        int alive = 0;
        for (WeakReference<T> reference : references) {
            if (reference.get() != null) {
                alive++;
            }
        }
        return alive;
    }
}
