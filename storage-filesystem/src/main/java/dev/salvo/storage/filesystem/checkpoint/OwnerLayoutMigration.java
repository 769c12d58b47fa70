package dev.salvo.storage.filesystem.checkpoint;

import dev.salvo.core.checkpoint.CheckpointIds;
import dev.salvo.core.checkpoint.LegacyThreadIds;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the thread directories of the layout before owners, {@code checkpoints/{legacyThreadId}/}, to
 * {@code checkpoints/{owner}/{threadId}/}, where {@link LegacyThreadIds#split} names owner and thread
 * ({@code alice:run-42} becomes {@code alice/run-42}). Run on every open, before anything else touches
 * the directory; a directory already in the new layout is left alone, so a second run does nothing.
 *
 * <p>Every step is one atomic rename of a whole thread directory inside one filesystem, so at any instant,
 * crash or not, each thread lies complete in exactly one place, and the next open carries on:
 * <ol>
 *   <li>every legacy thread directory is renamed into {@value CheckpointLayout#STAGING_DIRECTORY} (which
 *       also takes it out of the way of an owner directory of the same name: a legacy thread {@code alice}
 *       and a legacy thread {@code alice:x} both exist before the move);</li>
 *   <li>each staged directory is renamed to its place under its owner, the owner directory created first;</li>
 *   <li>the empty staging directory is removed.</li>
 * </ol>
 * Each rename is made durable (directory fsync) before the next depends on it. The checkpoint files are
 * not touched: their format-1 metadata is read as it is ({@link MetadataCodec}).
 *
 * <p>A directory directly under {@code checkpoints/} is a legacy thread if its name cannot be an owner
 * (it has a {@code :}) or if it directly holds checkpoint or temporary files, which an owner directory never
 * does. One that holds both such files and directories is refused rather than guessed at. So is a legacy
 * thread whose new place is taken (possible only if the old data held both {@code UNOWNED:x} and
 * {@code x}): the store does not open until someone moves one of them by hand.
 */
final class OwnerLayoutMigration {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerLayoutMigration.class);

    private final CheckpointLayout layout;

    OwnerLayoutMigration(CheckpointLayout layout) {
        this.layout = layout;
    }

    /** @return how many thread directories were moved into their owner's directory by this run */
    int run() throws IOException {
        List<String> legacy = legacyThreadDirectories();
        if (!legacy.isEmpty()) {
            stage(legacy);
        }
        int moved = placeStaged();
        removeStagingIfEmpty();
        if (moved > 0) {
            LOG.info("Moved {} checkpoint thread directories of {} into their owners' directories",
                    moved, layout.checkpointsDirectory());
        }
        return moved;
    }

    private List<String> legacyThreadDirectories() throws IOException {
        List<String> legacy = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.checkpointsDirectory())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                // The staging directory and anything else whose name is not an id is not a thread of ours.
                if (!CheckpointIds.isValid(name) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!CheckpointIds.isValidOwner(name) || holdsCheckpointFiles(entry)) {
                    legacy.add(name);
                }
            }
        }
        legacy.sort(null);
        return legacy;
    }

    /** Whether the directory directly holds checkpoint or temporary files; refuses one that also holds directories. */
    private static boolean holdsCheckpointFiles(Path directory) throws IOException {
        boolean files = false;
        boolean directories = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean ours = AtomicFiles.isTemporaryFile(entry) || CheckpointFileName.ofMetaFile(name).isPresent()
                        || CheckpointFileName.ofStateFile(name).isPresent();
                if (ours && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files = true;
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    directories = true;
                }
            }
        }
        if (files && directories) {
            throw new IOException(directory + " holds both checkpoint files (a thread of the layout before owners)"
                    + " and directories (an owner's threads); move one of them out by hand");
        }
        return files;
    }

    private void stage(List<String> legacy) throws IOException {
        Path staging = layout.stagingDirectory();
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(staging);
            AtomicFiles.syncDirectory(layout.checkpointsDirectory());
        }
        for (String name : legacy) {
            Path target = layout.stagedThreadDirectory(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot stage " + layout.topLevelDirectory(name) + ": " + target + " exists");
            }
            Files.move(layout.topLevelDirectory(name), target, StandardCopyOption.ATOMIC_MOVE);
        }
        AtomicFiles.syncDirectory(staging);
        AtomicFiles.syncDirectory(layout.checkpointsDirectory());
    }

    private int placeStaged() throws IOException {
        Path staging = layout.stagingDirectory();
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<String> staged = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (CheckpointIds.isValid(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    staged.add(name);
                }
            }
        }
        staged.sort(null);
        for (String name : staged) {
            ThreadKey thread = LegacyThreadIds.split(name);
            Path ownerDirectory = ownerDirectory(thread.owner());
            Path target = layout.threadDirectory(thread);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot move " + layout.stagedThreadDirectory(name) + " to " + target
                        + ": that thread exists already; move one of them out by hand");
            }
            Files.move(layout.stagedThreadDirectory(name), target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(ownerDirectory);
            AtomicFiles.syncDirectory(staging);
        }
        return staged.size();
    }

    private Path ownerDirectory(String owner) throws IOException {
        Path directory = layout.ownerDirectory(owner);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(directory);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(directory + " exists and is not a directory", e);
            }
            AtomicFiles.syncDirectory(layout.checkpointsDirectory());
        }
        return directory;
    }

    private void removeStagingIfEmpty() throws IOException {
        Path staging = layout.stagingDirectory();
        try {
            if (Files.deleteIfExists(staging)) {
                AtomicFiles.syncDirectory(layout.checkpointsDirectory());
            }
        } catch (DirectoryNotEmptyException e) {
            LOG.warn("{} still holds entries that are not thread directories; left in place", staging);
        }
    }
}
