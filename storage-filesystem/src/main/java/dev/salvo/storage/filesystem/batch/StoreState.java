package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.OutputFileType;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.daemon.DaemonId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the store keeps in memory, and the one lock that guards it. Operations take the lock only
 * to read or change memory and to reserve log space; bodies are read and the disk is forced outside it.
 */
final class StoreState implements BatchEntry.Context {

    /** A batch's virtual output or error file. */
    record VirtualFile(BatchEntry batch, OutputFileType type) {
    }

    /** Where a request id points. */
    record Located(BatchEntry batch, int ordinal) {
        RequestTable table() {
            return batch.table;
        }
    }

    final ReentrantLock lock = new ReentrantLock();
    final BatchLayout layout;
    final GroupCommit commit;
    final Map<FileId, FileEntry> files = new HashMap<>();
    /** Concurrent so that {@code getBatch} can find a batch's published view without the lock; changed under it. */
    final Map<BatchId, BatchEntry> batches = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<FileId, VirtualFile> virtualFiles = new HashMap<>();
    private final Map<Long, List<BatchEntry>> batchesByKey = new HashMap<>();
    final Interner<String> models = new Interner<>();
    final Interner<DaemonId> daemons = new Interner<>();

    StoreState(BatchLayout layout, GroupCommit commit) {
        this.layout = layout;
        this.commit = commit;
    }

    void register(BatchEntry entry) {
        batches.put(entry.id, entry);
        batchesByKey.computeIfAbsent(DerivedIds.lookupKey(entry.id.value()), k -> new ArrayList<>(1)).add(entry);
        virtualFiles.put(entry.outputFileId, new VirtualFile(entry, OutputFileType.OUTPUT));
        virtualFiles.put(entry.errorFileId, new VirtualFile(entry, OutputFileType.ERROR));
    }

    void unregister(BatchEntry entry) {
        batches.remove(entry.id);
        long key = DerivedIds.lookupKey(entry.id.value());
        List<BatchEntry> sameKey = batchesByKey.get(key);
        if (sameKey != null) {
            sameKey.remove(entry);
            if (sameKey.isEmpty()) {
                batchesByKey.remove(key);
            }
        }
        virtualFiles.remove(entry.outputFileId);
        virtualFiles.remove(entry.errorFileId);
    }

    /** Whether a new batch id would make request ids ambiguous with an existing batch's. */
    boolean collides(BatchId candidate) {
        if (batches.containsKey(candidate)) {
            return true;
        }
        List<BatchEntry> sameKey = batchesByKey.get(DerivedIds.lookupKey(candidate.value()));
        if (sameKey == null) {
            return false;
        }
        long tag = DerivedIds.tag(candidate.value());
        for (BatchEntry entry : sameKey) {
            if (DerivedIds.tag(entry.id.value()) == tag) {
                return true;
            }
        }
        return false;
    }

    /** The visible (not deleted) batch, or NotFound. */
    BatchEntry visibleBatch(BatchId id) {
        BatchEntry entry = batches.get(id);
        if (entry == null || entry.deleted()) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, id);
        }
        return entry;
    }

    /** The request, with its batch's table loaded; null if it does not exist or its batch is deleted. */
    Located locate(RequestId id) {
        List<BatchEntry> candidates = batchesByKey.get(DerivedIds.lookupKey(id.value()));
        if (candidates == null) {
            return null;
        }
        for (BatchEntry entry : candidates) {
            if (DerivedIds.isChildOf(id.value(), entry.id.value())) {
                if (entry.deleted() || !entry.populated()) {
                    return null;
                }
                ensureTable(entry);
                entry.lastUsed = System.nanoTime();
                long ordinal = DerivedIds.ordinal(id.value());
                return entry.table.contains(ordinal) ? new Located(entry, (int) ordinal) : null;
            }
        }
        return null;
    }

    Located require(RequestId id) {
        Located located = locate(id);
        if (located == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.REQUEST, id);
        }
        return located;
    }

    /**
     * Loads the request table of a batch kept as a snapshot only (terminal, not read since open) by
     * replaying its log. Everything reserved must be on disk first: the replay reads the file.
     */
    void ensureTable(BatchEntry entry) {
        entry.lastUsed = System.nanoTime();
        if (!entry.tableNotLoaded()) {
            return;
        }
        commit.flushAll();
        try {
            replay(entry);
        } catch (IOException | RuntimeException e) {
            // The batch's derived state was reset for the replay and is now incomplete: stop the store.
            commit.fail(e);
            throw new BatchStorageException.Backend("cannot load the requests of batch " + entry.id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds a batch's derived state from its log. Returns the scan, whose valid length tells the
     * caller (on open) where a torn tail starts.
     */
    LogScanner replay(BatchEntry entry) throws IOException {
        entry.resetDerived();
        return LogScanner.scan(entry.directory.resolve(BatchLayout.LOG), (json, offset, length, position) -> {
            if (ResultCodec.isResult(json, offset, length)) {
                return true; // read by pointer when needed, never on replay
            }
            List<Effect> effects;
            try {
                effects = Effect.decode(json, offset, length);
            } catch (IOException e) {
                throw new IOException(entry.directory.resolve(BatchLayout.LOG) + " at byte " + position + ": " + e.getMessage(), e);
            }
            for (Effect effect : effects) {
                if (effect instanceof Effect.Write w && w.state().resultOffset() >= 0
                        && w.state().resultOffset() + w.state().resultLength() > position) {
                    throw new IOException(entry.directory.resolve(BatchLayout.LOG) + " at byte " + position
                            + ": a change record points past itself");
                }
            }
            for (Effect effect : effects) {
                entry.apply(effect, this);
            }
            entry.published = null;
            return true;
        });
    }

    /**
     * Unloads the request tables of finished batches nobody has needed for {@code idleNanos}: without this,
     * every batch that ran since the process started would keep its ~85 bytes per request forever. A batch
     * with requests still in flight (a batch-level failure does not stop them) stays loaded.
     */
    int unloadIdle(long idleNanos) {
        long now = System.nanoTime();
        int unloaded = 0;
        for (BatchEntry entry : batches.values()) {
            if (entry.table != null && (entry.hasTerminalStamp() || entry.deleted())
                    && entry.table.inFlightCount() == 0 && now - entry.lastUsed >= idleNanos) {
                entry.unload();
                unloaded++;
            }
        }
        return unloaded;
    }

    // ------------------------------------------------------------------ BatchEntry.Context

    @Override
    public int daemonNumber(DaemonId daemon) {
        return daemons.intern(daemon);
    }

    @Override
    public int modelNumber(String model) {
        return models.intern(model);
    }

    @Override
    public RequestTable table(BatchEntry entry, Effect.Populate populate) throws IOException {
        if (entry.table != null) {
            return entry.table; // prepared by populateBatch before the effect was applied
        }
        return loadTable(entry.directory, populate.count(), populate.models());
    }

    RequestTable loadTable(java.nio.file.Path directory, int count, List<String> fileModels) throws IOException {
        TemplateFile templates = TemplateFile.open(directory, count);
        try {
            int[] local = templates.loadIndex();
            int[] global = new int[fileModels.size()];
            for (int i = 0; i < global.length; i++) {
                global[i] = models.intern(fileModels.get(i));
            }
            for (int i = 0; i < local.length; i++) {
                int model = local[i];
                if (model < 0 || model >= global.length) {
                    throw new IOException(directory + ": index names model " + model + " of " + global.length);
                }
                local[i] = global[model];
            }
            return new RequestTable(templates, local);
        } catch (IOException | RuntimeException e) {
            templates.close();
            throw e;
        }
    }
}
