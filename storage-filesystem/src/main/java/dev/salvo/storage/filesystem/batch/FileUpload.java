package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvo.core.batch.BatchLifecycle;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.ModelTemplateStats;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One {@code createFileStream}: templates are written to {@code uploads/{random}/} as they arrive
 * (memory holds one template and the per-model totals, whatever the file's size), and only a complete
 * upload is forced to disk and renamed into {@code files/{id}} — a single atomic step, so an abort, an
 * exception or a crash leaves no file behind, only a scratch directory that the next open removes.
 */
final class FileUpload {

    private static final int BUFFER = 1 << 18;

    private final BatchLayout layout;

    FileUpload(BatchLayout layout) {
        this.layout = layout;
    }

    /**
     * Runs the upload. Returns null when the producer aborted. An exception from {@code items} propagates
     * unchanged after the scratch directory is removed; I/O failures surface as {@link IOException}.
     */
    FileEntry run(Iterator<FileStreamItem> items, long createdAt) throws IOException {
        Path scratch = layout.uploadDirectory(UUID.randomUUID().toString());
        Files.createDirectory(scratch);
        boolean published = false;
        try {
            FileEntry entry = write(items, scratch, createdAt);
            if (entry == null) {
                return null;
            }
            Path target = layout.fileDirectory(entry.id);
            AtomicFiles.syncDirectory(scratch);
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            AtomicFiles.syncDirectory(layout.filesDirectory());
            return entry;
        } finally {
            if (!published) {
                deleteTree(scratch);
            }
        }
    }

    private FileEntry write(Iterator<FileStreamItem> items, Path scratch, long createdAt) throws IOException {
        FileMetadata metadata = FileMetadata.empty();
        Map<String, long[]> models = new LinkedHashMap<>();
        Map<String, Integer> modelNumbers = new LinkedHashMap<>();
        int lines = 0;
        try (FileChannel templatesChannel = FileChannel.open(scratch.resolve(BatchLayout.TEMPLATES),
                     StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel indexChannel = FileChannel.open(scratch.resolve(BatchLayout.INDEX),
                     StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Counting templatesOut = new Counting(new BufferedOutputStream(Channels.newOutputStream(templatesChannel), BUFFER));
            DataOutputStream indexOut = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(indexChannel), 1 << 16));
            JsonGenerator g = Json.FACTORY.createGenerator(templatesOut);
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            while (items.hasNext()) {
                FileStreamItem item = items.next();
                switch (item) {
                    case FileStreamItem.Abort abort -> {
                        return null;
                    }
                    case FileStreamItem.Metadata m -> metadata = metadata.mergedWith(m.metadata());
                    case FileStreamItem.Template t -> {
                        RequestTemplateInput template = t.template();
                        if (lines == Integer.MAX_VALUE) {
                            throw new IOException("a file holds at most " + Integer.MAX_VALUE + " templates");
                        }
                        Integer number = modelNumbers.get(template.model());
                        if (number == null) {
                            number = modelNumbers.size();
                            modelNumbers.put(template.model(), number);
                            models.put(template.model(), new long[2]);
                        }
                        long[] totals = models.get(template.model());
                        totals[0]++;
                        totals[1] += TemplateCodec.utf8Length(template.body());
                        g.flush(); // hands buffered bytes to the counter (not to the disk): the count is this line's offset
                        indexOut.writeLong(templatesOut.count);
                        indexOut.writeInt(number);
                        TemplateCodec.write(g, template);
                        g.writeRaw('\n');
                        lines++;
                    }
                }
            }
            g.flush();
            indexOut.writeLong(templatesOut.count);
            templatesOut.flush();
            indexOut.flush();
            templatesChannel.force(true);
            indexChannel.force(true);
        }
        FileId id = FileId.generate();
        List<ModelTemplateStats> stats = new ArrayList<>();
        models.forEach((model, totals) -> stats.add(new ModelTemplateStats(model, totals[0], totals[1])));
        if (metadata.expiresAfterSeconds() != null && metadata.expiresAfterSeconds() <= 0) {
            throw new BatchStorageException.Validation("expires_after seconds must be positive");
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(createdAt, metadata.expiresAfterSeconds() != null
                    ? Math.multiplyExact(metadata.expiresAfterSeconds(), 1_000_000_000L)
                    : BatchLifecycle.DEFAULT_FILE_LIFETIME.toNanos());
        } catch (ArithmeticException e) {
            throw new BatchStorageException.Validation("expires_after seconds out of range: " + metadata.expiresAfterSeconds());
        }
        String name = metadata.filename() != null ? metadata.filename() : "upload-" + id;
        FileEntry entry = new FileEntry(id, name, metadata.description(), metadata.sizeBytes() == null ? 0 : metadata.sizeBytes(),
                metadata.purpose() != null ? metadata.purpose() : Purpose.BATCH.wire(), createdAt, expiresAt,
                metadata.uploadedBy(), metadata.apiKeyId(), lines,
                new ArrayList<>(modelNumbers.keySet()), stats);
        try (FileChannel meta = FileChannel.open(scratch.resolve(BatchLayout.META), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            meta.write(java.nio.ByteBuffer.wrap(entry.encode()));
            meta.force(true);
        }
        return entry;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Counts what the generator hands on, which is each line's byte offset. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
