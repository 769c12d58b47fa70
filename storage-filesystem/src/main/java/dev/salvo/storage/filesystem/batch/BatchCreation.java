package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.CompletionWindow;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.Purpose;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Creating a batch's directory and populating its requests. Runs with the store's lock held. */
final class BatchCreation {

    private BatchCreation() {
    }

    static Batch createRecord(StoreState state, BatchInput input, CompletionWindow window, long now) throws IOException {
        FileEntry file = state.files.get(input.fileId());
        if (file == null || file.deleted()) {
            StoreState.VirtualFile virtual = state.virtualFiles.get(input.fileId());
            if (virtual == null || Views.virtualView(virtual) == null) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, input.fileId());
            }
        }
        if (file == null || file.deleted() || Purpose.parse(file.rawPurpose).orElse(null) != Purpose.BATCH) {
            throw new BatchStorageException.Validation("file " + input.fileId()
                    + " is not an input file; a batch needs a file with purpose 'batch'");
        }
        BatchId id = BatchId.generate();
        while (state.collides(id)) {
            id = BatchId.generate();
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(now, window.duration().toNanos());
        } catch (ArithmeticException e) {
            throw new BatchStorageException.Validation("the deadline is out of range");
        }
        BatchEntry entry = new BatchEntry(id, input.fileId(), input.endpoint(), window.text(), input.metadata(),
                input.createdBy(), input.apiKeyId(), input.apiKey(), input.expectedRequests(), FileId.generate(),
                FileId.generate(), now, expiresAt, state.layout.batchDirectory(id));
        createDirectory(state.layout, entry);
        state.register(entry);
        return entry.view();
    }

    /** Assembles the directory under a temporary name and renames it into place: a batch exists whole or not at all. */
    private static void createDirectory(BatchLayout layout, BatchEntry entry) throws IOException {
        Path scratch = layout.newBatchDirectory(entry.id);
        FileUpload.deleteTree(scratch);
        Files.createDirectory(scratch);
        try {
            Files.createFile(scratch.resolve(BatchLayout.LOG));
            AtomicFiles.publish(scratch.resolve(BatchLayout.HEADER), entry.encodeHeader());
            AtomicFiles.syncDirectory(scratch);
            Files.move(scratch, entry.directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            FileUpload.deleteTree(scratch);
            throw e;
        }
        AtomicFiles.syncDirectory(layout.batchesDirectory());
        entry.log = AppendFile.open(entry.directory.resolve(BatchLayout.LOG), 0);
    }

    static void populate(Tx tx, StoreState state, BatchId batchId, FileId fileId, long now) throws IOException {
        BatchEntry batch = state.batches.get(batchId);
        if (batch == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, batchId);
        }
        if (batch.deleted()) {
            throw new BatchStorageException.InvalidState("batch " + batchId + " was deleted");
        }
        if (batch.cancelling() || batch.cancelledAt != Nanos.NONE) {
            throw new BatchStorageException.InvalidState("batch " + batchId + " was cancelled");
        }
        if (batch.failedAt != Nanos.NONE || batch.expiredAt != Nanos.NONE) {
            throw new BatchStorageException.InvalidState("batch " + batchId + " has " + batch.view().status().wire());
        }
        if (batch.populated()) {
            return; // idempotent: an at-least-once job runner may call twice
        }
        FileEntry file = state.files.get(fileId);
        if (file == null) {
            if (state.virtualFiles.containsKey(fileId)) {
                throw new BatchStorageException.Validation("Cannot populate batch from file with no templates");
            }
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, fileId);
        }
        if (file.deleted()) {
            throw new BatchStorageException.InvalidState("file " + fileId + " was deleted");
        }
        if (file.templateCount == 0) {
            throw new BatchStorageException.Validation("Cannot populate batch from file with no templates");
        }
        linkTemplates(state.layout.fileDirectory(fileId), batch.directory);
        // Prepared before the effect is applied, so applying it cannot fail half-way.
        batch.table = state.loadTable(batch.directory, file.templateCount, file.models);
        tx.apply(batch, new Effect.Populate(now, fileId, file.templateCount, file.models));
    }

    /**
     * Gives the batch its own names for the input's templates and index: hard links (no copy, and the
     * batch keeps its requests' bodies even after the file is deleted and purged), or copies where the
     * filesystem has no hard links.
     */
    private static void linkTemplates(Path fileDirectory, Path batchDirectory) throws IOException {
        for (String name : List.of(BatchLayout.TEMPLATES, BatchLayout.INDEX)) {
            Path target = batchDirectory.resolve(name);
            Files.deleteIfExists(target);
            try {
                Files.createLink(target, fileDirectory.resolve(name));
            } catch (IOException | RuntimeException e) {
                // No hard links here (some filesystems refuse them, unchecked): a copy is correct, just larger.
                Files.copy(fileDirectory.resolve(name), target);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        AtomicFiles.syncDirectory(batchDirectory);
    }
}
