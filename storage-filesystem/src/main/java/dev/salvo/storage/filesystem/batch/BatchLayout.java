package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.storage.filesystem.io.DataDirectory;
import java.nio.file.Path;

/**
 * Where the batch store keeps things, every path built through {@link DataDirectory#resolve}:
 * <pre>
 * {root}/batch/files/{fileId}/meta.json          file record (atomically replaced on delete)
 *                            /templates.jsonl    one template per line, immutable
 *                            /index.bin          per line: byte offset and model, for random access
 * {root}/batch/uploads/{random}/                 an upload in progress; renamed into files/ when complete
 * {root}/batch/batches/{batchId}/batch.json      creation record + a snapshot of the batch-level state
 *                              /requests.log     append-only log: every change (the truth), and the
 *                                                response bodies and failure reasons they point at
 *                              /templates.jsonl  hard link to the input's templates (taken at populate)
 *                              /index.bin        hard link to the input's index
 * {root}/batch/daemons/{daemonId}.json           daemon records
 * </pre>
 */
final class BatchLayout {

    static final String BATCH = "batch";
    static final String FILES = "files";
    static final String UPLOADS = "uploads";
    static final String BATCHES = "batches";
    static final String DAEMONS = "daemons";
    static final String META = "meta.json";
    static final String TEMPLATES = "templates.jsonl";
    static final String INDEX = "index.bin";
    static final String HEADER = "batch.json";
    static final String LOG = "requests.log";

    private final DataDirectory dataDirectory;

    BatchLayout(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    Path root() {
        return dataDirectory.resolve(BATCH);
    }

    Path filesDirectory() {
        return dataDirectory.resolve(BATCH, FILES);
    }

    Path uploadsDirectory() {
        return dataDirectory.resolve(BATCH, UPLOADS);
    }

    Path batchesDirectory() {
        return dataDirectory.resolve(BATCH, BATCHES);
    }

    Path daemonsDirectory() {
        return dataDirectory.resolve(BATCH, DAEMONS);
    }

    Path fileDirectory(FileId id) {
        return dataDirectory.resolve(BATCH, FILES, id.toString());
    }

    Path batchDirectory(BatchId id) {
        return dataDirectory.resolve(BATCH, BATCHES, id.toString());
    }

    /** Where a batch directory is assembled before it is renamed into place. */
    Path newBatchDirectory(BatchId id) {
        return dataDirectory.resolve(BATCH, BATCHES, "." + id + ".creating");
    }

    Path uploadDirectory(String name) {
        return dataDirectory.resolve(BATCH, UPLOADS, name);
    }

    Path daemonFile(DaemonId id) {
        return dataDirectory.resolve(BATCH, DAEMONS, id + ".json");
    }
}
