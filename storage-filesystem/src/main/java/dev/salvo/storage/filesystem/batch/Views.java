package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchFile;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileFilter;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileStatus;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.Purpose;
import dev.salvo.core.batch.SearchText;
import dev.salvo.core.batch.VirtualFileSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Read-side answers computed from memory: file and batch views, listings with keyset paging, result lists. Lock held by the caller. */
final class Views {

    private Views() {
    }

    static List<BatchEntry> sortedBatches(StoreState state) {
        List<BatchEntry> all = new ArrayList<>(state.batches.values());
        all.sort(Comparator.<BatchEntry>comparingLong(b -> b.createdAt).thenComparing(b -> b.id));
        return all;
    }

    static Comparator<BatchEntry> newestFirst() {
        return Comparator.<BatchEntry>comparingLong(b -> b.createdAt).thenComparing(b -> b.id).reversed();
    }

    /** The name of the batch's input file while it is linked (a deleted input unlinks it). */
    static String inputFileName(StoreState state, BatchEntry batch) {
        FileEntry file = batch.fileId() == null ? null : state.files.get(batch.fileId());
        return file == null ? null : file.name;
    }

    /** A visible file of any kind, or null. */
    static BatchFile visibleFile(StoreState state, FileId id, long now) {
        FileEntry file = state.files.get(id);
        if (file != null) {
            return file.deleted() ? null : file.view(now);
        }
        StoreState.VirtualFile virtual = state.virtualFiles.get(id);
        return virtual == null ? null : virtualView(virtual);
    }

    /** A file for use as a paging cursor: deleted ones too, so a page boundary survives a delete. */
    private static BatchFile anyFile(StoreState state, FileId id, long now) {
        FileEntry file = state.files.get(id);
        if (file != null) {
            return file.view(now);
        }
        StoreState.VirtualFile virtual = state.virtualFiles.get(id);
        return virtual == null ? null : virtualFileView(virtual);
    }

    /** The virtual file as listed, or null when it is not visible (deleted, or its batch deleted). */
    static BatchFile virtualView(StoreState.VirtualFile virtual) {
        BatchEntry batch = virtual.batch();
        boolean linked = virtual.type() == OutputFileType.OUTPUT ? batch.outputLinked : batch.errorLinked;
        if (batch.deleted() || !linked) {
            return null;
        }
        return virtualFileView(virtual);
    }

    private static BatchFile virtualFileView(StoreState.VirtualFile virtual) {
        BatchEntry batch = virtual.batch();
        BatchEntry.Summary summary = batch.summary();
        boolean output = virtual.type() == OutputFileType.OUTPUT;
        long size = output ? VirtualFileSize.ofOutput(summary.outputLines(), summary.outputBytes())
                : VirtualFileSize.ofErrors(summary.errorLines(), summary.errorBytes());
        Purpose purpose = output ? Purpose.BATCH_OUTPUT : Purpose.BATCH_ERROR;
        return new BatchFile(output ? batch.outputFileId : batch.errorFileId,
                "batch-" + batch.id + (output ? "-output.jsonl" : "-error.jsonl"),
                (output ? "Output file for batch " : "Error file for batch ") + batch.id,
                size, FileStatus.PROCESSED, null, purpose, purpose.wire(),
                Nanos.toInstant(batch.createdAt), null, null, batch.createdBy.isEmpty() ? null : batch.createdBy,
                batch.apiKeyId, batch.view().isTerminal());
    }

    static List<BatchFile> listFiles(StoreState state, FileFilter f, long now) {
        List<BatchFile> all = new ArrayList<>();
        for (FileEntry entry : state.files.values()) {
            if (!entry.deleted()) {
                all.add(entry.view(now));
            }
        }
        for (StoreState.VirtualFile virtual : state.virtualFiles.values()) {
            BatchFile view = virtualView(virtual);
            if (view != null) {
                all.add(view);
            }
        }
        Comparator<BatchFile> ascending = Comparator.comparing(BatchFile::createdAt).thenComparing(BatchFile::id);
        Comparator<BatchFile> order = f.ascending() ? ascending : ascending.reversed();
        BatchFile cursor = f.after() == null ? null : anyFile(state, f.after(), now);
        if (f.after() != null && cursor == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, f.after());
        }
        String needle = ContentStreams.needle(f.search());
        return all.stream()
                .filter(file -> f.uploadedBy() == null || f.uploadedBy().equals(file.uploadedBy()))
                .filter(file -> f.status() == null || f.status() == file.status())
                .filter(file -> f.purpose() == null || f.purpose() == file.purpose())
                .filter(file -> SearchText.contains(file.name(), needle))
                .filter(file -> f.apiKeyIds() == null || (file.apiKeyId() != null && f.apiKeyIds().contains(file.apiKeyId())))
                .filter(file -> cursor == null || order.compare(file, cursor) > 0)
                .sorted(order)
                .limit(f.limit() == null ? Long.MAX_VALUE : Math.max(0, f.limit()))
                .toList();
    }

    static List<Batch> listBatches(StoreState state, ListBatchesFilter f) {
        Comparator<BatchEntry> order = f.activeFirst()
                ? Comparator.<BatchEntry>comparingInt(b -> b.view().isActive() ? 0 : 1).thenComparing(newestFirst())
                : newestFirst();
        BatchEntry cursor = f.after() == null ? null : state.batches.get(f.after());
        if (f.after() != null && cursor == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, f.after());
        }
        String needle = ContentStreams.needle(f.search());
        return state.batches.values().stream()
                .filter(b -> !b.deleted())
                .filter(b -> f.createdBy() == null || f.createdBy().equals(b.createdBy))
                .filter(b -> f.apiKeyIds() == null || (b.apiKeyId != null && f.apiKeyIds().contains(b.apiKeyId)))
                .filter(b -> f.createdAfter() == null || b.createdAt >= Nanos.of(f.createdAfter()))
                .filter(b -> f.createdBefore() == null || b.createdAt <= Nanos.of(f.createdBefore()))
                .filter(b -> needle == null || searchMatches(state, b, needle))
                .filter(b -> cursor == null || order.compare(b, cursor) > 0)
                .sorted(order)
                .map(BatchEntry::view)
                .filter(b -> f.status() == null || f.status().matches(b))
                .limit(f.limit())
                .toList();
    }

    /** Case-insensitive, literal: the batch id, a metadata value or the input file's name contains the text. */
    private static boolean searchMatches(StoreState state, BatchEntry batch, String needle) {
        if (SearchText.contains(batch.id.toString(), needle)) {
            return true;
        }
        for (String value : batch.metadata.values()) {
            if (SearchText.contains(value, needle)) {
                return true;
            }
        }
        String fileName = inputFileName(state, batch);
        return SearchText.contains(fileName, needle);
    }

    /** The results of a virtual file, in file order ((time, id)), snapshot as primitive arrays. */
    static ContentStreams.ResultList resultList(StoreState state, StoreState.VirtualFile virtual) {
        BatchEntry batch = virtual.batch();
        long readableAfter = state.commit.lastSubmitted();
        if (!batch.populated()) {
            return new ContentStreams.ResultList(state, batch, null, new long[0], new int[0], new long[0], new int[0], 0,
                    readableAfter);
        }
        state.ensureTable(batch);
        RequestTable table = batch.table;
        boolean output = virtual.type() == OutputFileType.OUTPUT;
        byte wanted = output ? RequestTable.COMPLETED : RequestTable.FAILED;
        int limit = output ? table.size() : table.templateCount;
        int count = (int) (output ? table.outputLines() : table.errorLines());
        long[] time = new long[count];
        int[] ordinal = new int[count];
        long[] offset = new long[count];
        int[] length = new int[count];
        int n = 0;
        for (int i = 0; i < limit && n < count; i++) {
            if (table.kindCode(i) == wanted) {
                time[n] = table.terminalAt(i);
                ordinal[n] = i;
                offset[n] = table.resultOffset(i);
                length[n] = table.resultLength(i);
                n++;
            }
        }
        Sorting.byTimeThenOrdinal(time, ordinal, offset, length, n);
        return new ContentStreams.ResultList(state, batch, table, time, ordinal, offset, length, n, readableAfter);
    }
}
