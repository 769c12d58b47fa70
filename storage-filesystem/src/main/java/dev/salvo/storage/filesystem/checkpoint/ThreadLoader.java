package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.CheckpointException;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a thread's {@link ThreadIndex} from its directory, the source of truth, and removes what
 * interrupted writes and deletes left behind.
 *
 * <p>A checkpoint is committed iff its {@code .meta.json} parses and its {@code .state} exists, because
 * a save renames the state into place first and the metadata last. Everything else is debris of a save
 * or delete that never completed, and is deleted: temporary files, a state without metadata, metadata
 * without a state. Metadata that is not complete JSON (a torn write) is ignored but kept, with its
 * state, for whoever wants to look at it; a later save of the same sequence and id replaces both.
 * Safe only because the data directory has one owner, and the caller holds the thread's write lock or
 * excludes writers with the read lock.
 */
final class ThreadLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadLoader.class);

    private final CheckpointLayout layout;
    private final MetadataCodec codec;
    // A thread left with only torn metadata is not cached and so is rescanned on every call; say it once.
    private final Set<Path> reportedTorn = ConcurrentHashMap.newKeySet();

    ThreadLoader(CheckpointLayout layout, MetadataCodec codec) {
        this.layout = layout;
        this.codec = codec;
    }

    ThreadIndex load(ThreadKey thread) throws IOException {
        ThreadIndex index = new ThreadIndex(thread);
        Path directory = layout.threadDirectory(thread);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return index;
        }
        List<CheckpointFileName> metas = new ArrayList<>();
        Set<CheckpointFileName> states = new HashSet<>();
        List<Path> debris = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String name = entry.getFileName().toString();
                if (AtomicFiles.isTemporaryFile(entry)) {
                    debris.add(entry);
                    continue;
                }
                Optional<CheckpointFileName> meta = CheckpointFileName.ofMetaFile(name);
                if (meta.isPresent()) {
                    metas.add(meta.get());
                } else {
                    CheckpointFileName.ofStateFile(name).ifPresent(states::add);
                }
            }
        }
        // Sorted so that a damaged directory always fails on the same file, whatever the listing order.
        metas.sort(Comparator.comparingLong(CheckpointFileName::sequence).thenComparing(CheckpointFileName::checkpointId));
        for (CheckpointFileName name : metas) {
            if (states.contains(name)) {
                readCommitted(thread, name, index);
            } else {
                debris.add(layout.metaFile(thread, name));
            }
        }
        Set<CheckpointFileName> withMetadata = new HashSet<>(metas);
        for (CheckpointFileName state : states) {
            if (!withMetadata.contains(state)) {
                debris.add(layout.stateFile(thread, state));
            }
        }
        removeDebris(directory, debris);
        return index;
    }

    private void readCommitted(ThreadKey thread, CheckpointFileName name, ThreadIndex index) throws IOException {
        Path file = layout.metaFile(thread, name);
        Optional<MetadataCodec.Decoded> decoded = codec.decode(Files.readAllBytes(file), file);
        if (decoded.isEmpty()) {
            if (reportedTorn.add(file)) {
                LOG.warn("Ignoring checkpoint metadata {}: it is not complete JSON (a write torn by a crash?)", file);
            }
            return;
        }
        CheckpointMetadata metadata = decoded.get().metadata();
        ThreadKey recorded = decoded.get().thread();
        if (!metadata.id().equals(name.checkpointId()) || metadata.sequence() != name.sequence() || !recorded.equals(thread)) {
            throw new CheckpointException.Corrupt(file + ": describes checkpoint " + metadata.id()
                    + " (sequence " + metadata.sequence() + ") of thread " + recorded.threadId() + " of owner "
                    + recorded.owner() + ", which does not match its file name and directory", null);
        }
        if (index.contains(metadata.id())) {
            throw new CheckpointException.Corrupt(file + ": thread " + thread.threadId() + " of owner " + thread.owner()
                    + " holds two committed checkpoints with id " + metadata.id(), null);
        }
        index.add(metadata);
    }

    private static void removeDebris(Path directory, List<Path> debris) throws IOException {
        if (debris.isEmpty()) {
            return;
        }
        for (Path file : debris) {
            Files.deleteIfExists(file);
        }
        AtomicFiles.syncDirectory(directory);
        LOG.info("Removed {} file(s) left in {} by interrupted checkpoint writes or deletes", debris.size(), directory);
    }
}
