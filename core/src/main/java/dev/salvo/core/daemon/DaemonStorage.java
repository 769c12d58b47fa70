package dev.salvo.core.daemon;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Port: the registry of batch daemons (heartbeats, for stale-claim recovery and the admin API) and the
 * purge of rows orphaned by soft deletes. Throws only {@link dev.salvo.core.batch.BatchStorageException} kinds.
 */
public interface DaemonStorage {

    /** Inserts or replaces the daemon's record (upsert by id). */
    void persistDaemon(DaemonRecord record);

    /** @throws dev.salvo.core.batch.BatchStorageException.NotFound if unknown */
    DaemonRecord getDaemon(DaemonId id);

    /** Newest first; {@code status} empty = all. */
    List<DaemonRecord> listDaemons(Optional<DaemonStatus> status);

    /** Removes records of daemons dead for longer than {@code retention}. @return records removed */
    long purgeDeadDaemons(Duration retention);
}
