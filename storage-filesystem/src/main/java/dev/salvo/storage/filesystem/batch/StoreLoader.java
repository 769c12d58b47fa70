package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.FileId;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening the store: creates the layout, removes what interrupted operations left (upload scratch
 * directories, half-assembled or half-purged directories), loads file records and daemon records, and
 * for each batch either adopts its snapshot (finished batches whose log is unchanged since) or replays
 * its log, cutting a torn final record.
 */
final class StoreLoader {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLoader.class);

    private final StoreState state;
    private final DaemonRegistry daemons;

    StoreLoader(StoreState state, DaemonRegistry daemons) {
        this.state = state;
        this.daemons = daemons;
    }

    void load() throws IOException {
        BatchLayout layout = state.layout;
        createDirectory(layout.root(), layout.root().getParent());
        for (Path directory : List.of(layout.filesDirectory(), layout.uploadsDirectory(), layout.batchesDirectory(),
                layout.daemonsDirectory())) {
            createDirectory(directory, layout.root());
        }
        for (Path scratch : children(layout.uploadsDirectory())) {
            FileUpload.deleteTree(scratch);
        }
        loadFiles(layout);
        loadBatches(layout);
        daemons.load();
    }

    /** Files deleted whose batches may still link to them (a crash between the two steps of a delete). */
    List<FileId> deletedFiles() {
        List<FileId> deleted = new ArrayList<>();
        for (FileEntry file : state.files.values()) {
            if (file.deleted()) {
                deleted.add(file.id);
            }
        }
        return deleted;
    }

    private void loadFiles(BatchLayout layout) throws IOException {
        for (Path directory : children(layout.filesDirectory())) {
            String name = directory.getFileName().toString();
            FileId id = parseFileId(name);
            if (id == null || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("Ignoring unexpected entry {}", directory);
                continue;
            }
            Path meta = directory.resolve(BatchLayout.META);
            if (!Files.exists(meta)) {
                // A purge removes meta.json first: this is the rest of an interrupted purge.
                FileUpload.deleteTree(directory);
                continue;
            }
            try {
                state.files.put(id, FileEntry.decode(Files.readAllBytes(meta), meta));
            } catch (IOException e) {
                throw new IOException(meta + ": " + e.getMessage(), e);
            }
        }
    }

    private void loadBatches(BatchLayout layout) throws IOException {
        for (Path directory : children(layout.batchesDirectory())) {
            String name = directory.getFileName().toString();
            if (name.startsWith(".")) {
                FileUpload.deleteTree(directory); // assembled by createBatchRecord, never renamed into place
                continue;
            }
            BatchId id;
            try {
                id = BatchId.parse(name);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring unexpected entry {}", directory);
                continue;
            }
            Path header = directory.resolve(BatchLayout.HEADER);
            if (!Files.exists(header)) {
                FileUpload.deleteTree(directory); // the rest of an interrupted purge
                continue;
            }
            try {
                state.register(loadBatch(id, directory, header));
            } catch (IOException e) {
                throw new IOException("batch " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    private BatchEntry loadBatch(BatchId id, Path directory, Path headerFile) throws IOException {
        BatchEntry.Header header = BatchEntry.decodeHeader(Files.readAllBytes(headerFile), directory);
        BatchEntry entry = header.entry();
        if (!entry.id.equals(id)) {
            throw new IOException("batch.json names batch " + entry.id);
        }
        for (Path leftover : children(directory)) {
            if (AtomicFiles.isTemporaryFile(leftover)) {
                Files.deleteIfExists(leftover);
            }
        }
        Path log = directory.resolve(BatchLayout.LOG);
        long logSize = Files.size(log);
        if (header.logLength() == logSize) {
            header.adopt();
            if (entry.hasTerminalStamp() || entry.deleted()) {
                entry.log = AppendFile.open(log, logSize);
                return entry;
            }
        }
        LogScanner scan;
        try {
            scan = state.replay(entry);
        } catch (IOException | RuntimeException e) {
            Purger.closeQuietly(entry);
            throw e;
        }
        if (scan.tornTail()) {
            LOG.warn("Cut a torn record at the end of {} (byte {} of {}): it was never acknowledged",
                    log, scan.validLength(), logSize);
        }
        entry.log = AppendFile.open(log, scan.validLength());
        entry.headerDirty = scan.tornTail() || entry.hasTerminalStamp() || entry.deleted()
                || header.logLength() != scan.validLength();
        return entry;
    }

    private static void createDirectory(Path directory, Path parent) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory);
            if (parent != null) {
                AtomicFiles.syncDirectory(parent);
            }
        }
    }

    private static List<Path> children(Path directory) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        }
        return entries;
    }

    private static FileId parseFileId(String name) {
        try {
            return FileId.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
