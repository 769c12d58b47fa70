package dev.salvo.storage.filesystem.batch;

import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hard-deletes what soft deletes left behind. Rows are counted off in chunks as the port asks, and a
 * batch's or file's directory is removed once all its rows are counted: its record ({@code batch.json},
 * {@code meta.json}) first, which is the commit point — a directory without it is a leftover the next
 * open removes. Run with the store's lock held.
 */
final class Purger {

    private static final Logger LOG = LoggerFactory.getLogger(Purger.class);

    private final StoreState state;
    private final BatchLayout layout;

    Purger(StoreState state, BatchLayout layout) {
        this.state = state;
        this.layout = layout;
    }

    long purge(int batchSize) throws IOException {
        long purged = 0;
        long budget = batchSize;
        List<BatchEntry> batches = new ArrayList<>();
        for (BatchEntry batch : state.batches.values()) {
            if (batch.deleted()) {
                batches.add(batch);
            }
        }
        batches.sort(Comparator.<BatchEntry>comparingLong(b -> b.deletedAt).thenComparing(b -> b.id));
        for (BatchEntry batch : batches) {
            if (budget == 0) {
                break;
            }
            long take = Math.min(budget, batch.requestRows() - batch.purgedRows);
            batch.purgedRows += take;
            budget -= take;
            purged += take;
            if (batch.purgedRows >= batch.requestRows()) {
                removeBatch(batch);
            }
        }
        budget = batchSize;
        List<FileEntry> files = new ArrayList<>();
        for (FileEntry file : state.files.values()) {
            if (file.deleted()) {
                files.add(file);
            }
        }
        files.sort(Comparator.<FileEntry>comparingLong(f -> f.deletedAt).thenComparing(f -> f.id));
        for (FileEntry file : files) {
            if (budget == 0) {
                break;
            }
            long take = Math.min(budget, file.templateCount - file.purgedRows);
            file.purgedRows += take;
            budget -= take;
            purged += take;
            if (file.purgedRows >= file.templateCount) {
                removeDirectory(layout.fileDirectory(file.id), BatchLayout.META, layout.filesDirectory());
                state.files.remove(file.id);
            }
        }
        return purged;
    }

    private void removeBatch(BatchEntry batch) throws IOException {
        state.commit.flushAll(); // its last records (the delete itself) must not be written into a closed file
        closeQuietly(batch);
        state.unregister(batch);
        removeDirectory(batch.directory, BatchLayout.HEADER, layout.batchesDirectory());
    }

    static void removeDirectory(Path directory, String record, Path parent) throws IOException {
        Files.deleteIfExists(directory.resolve(record));
        AtomicFiles.syncDirectory(directory);
        FileUpload.deleteTree(directory);
        AtomicFiles.syncDirectory(parent);
    }

    static void closeQuietly(BatchEntry batch) {
        for (Closeable closeable : new Closeable[] {batch.log, batch.table == null ? null : batch.table.templates}) {
            if (closeable == null) {
                continue;
            }
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.warn("Could not close a file of batch {}: {}", batch.id, e.toString());
            }
        }
    }
}
