package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.storage.filesystem.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon registry: one {@code daemons/{id}.json} per daemon, replaced atomically and durably on
 * every upsert (a heartbeat every few seconds per daemon is cheap), and a map in memory that the
 * stale-claim sweep reads without touching the disk. Has its own lock, so heartbeats never wait for
 * request traffic.
 */
final class DaemonRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonRegistry.class);
    private static final int FORMAT = 1;

    /** A record with when the registry first saw it (for people reading the file). */
    private record Stored(DaemonRecord record, long createdAt) {
    }

    private final BatchLayout layout;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<DaemonId, Stored> daemons = new ConcurrentHashMap<>();

    DaemonRegistry(BatchLayout layout, Clock clock) {
        this.layout = layout;
        this.clock = clock;
    }

    void load() throws IOException {
        Path directory = layout.daemonsDirectory();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (AtomicFiles.isTemporaryFile(file)) {
                    Files.deleteIfExists(file);
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                Stored stored = decode(Files.readAllBytes(file), file);
                daemons.put(stored.record().id(), stored);
            }
        }
    }

    void persist(DaemonRecord record) {
        lock.lock();
        try {
            Stored previous = daemons.get(record.id());
            Stored next = new Stored(record, previous == null ? Nanos.of(clock.instant()) : previous.createdAt());
            AtomicFiles.writeDurably(layout.daemonFile(record.id()), encode(next));
            daemons.put(record.id(), next);
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot store daemon " + record.id() + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    DaemonRecord get(DaemonId id) {
        Stored stored = daemons.get(id);
        if (stored == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.DAEMON, id);
        }
        return stored.record();
    }

    /** Newest first: by start time, then by id. */
    List<DaemonRecord> list(Optional<DaemonStatus> status) {
        return daemons.values().stream()
                .map(Stored::record)
                .filter(r -> status.isEmpty() || r.state().status() == status.get())
                .sorted(Comparator.comparing((DaemonRecord r) -> r.state().startedAt()).thenComparing(DaemonRecord::id).reversed())
                .toList();
    }

    long purgeDead(Duration retention) {
        lock.lock();
        try {
            Instant cutoff = clock.instant().minus(retention);
            long removed = 0;
            for (Stored stored : new ArrayList<>(daemons.values())) {
                if (stored.record().state() instanceof DaemonState.Dead dead && dead.stoppedAt().isBefore(cutoff)) {
                    Files.deleteIfExists(layout.daemonFile(stored.record().id()));
                    daemons.remove(stored.record().id());
                    removed++;
                }
            }
            if (removed > 0) {
                AtomicFiles.syncDirectory(layout.daemonsDirectory());
            }
            return removed;
        } catch (IOException e) {
            throw new BatchStorageException.Backend("cannot purge dead daemons: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether requests held by {@code id} may be taken back: unknown, dead, or silent for longer than the threshold. */
    boolean isStale(DaemonId id, Instant now, Duration threshold) {
        Stored stored = daemons.get(id);
        if (stored == null) {
            return true;
        }
        Instant cutoff = now.minus(threshold);
        return switch (stored.record().state()) {
            case DaemonState.Dead dead -> true;
            case DaemonState.Running running -> running.lastHeartbeat().isBefore(cutoff);
            case DaemonState.Initializing initializing -> initializing.startedAt().isBefore(cutoff);
        };
    }

    private static byte[] encode(Stored stored) {
        DaemonRecord record = stored.record();
        DaemonData data = record.data();
        return Json.pretty(g -> {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", data.id().toString());
            g.writeStringField("hostname", data.hostname());
            g.writeNumberField("pid", data.pid());
            g.writeStringField("version", data.version());
            g.writeStringField("config_snapshot", data.configSnapshot());
            g.writeStringField("status", record.state().status().wire());
            g.writeStringField("started_at", record.state().startedAt().toString());
            DaemonStats stats = DaemonStats.ZERO;
            switch (record.state()) {
                case DaemonState.Initializing initializing -> {
                }
                case DaemonState.Running running -> {
                    g.writeStringField("last_heartbeat", running.lastHeartbeat().toString());
                    stats = running.stats();
                }
                case DaemonState.Dead dead -> {
                    g.writeStringField("stopped_at", dead.stoppedAt().toString());
                    stats = dead.finalStats();
                }
            }
            g.writeObjectFieldStart("stats");
            g.writeNumberField("requests_processed", stats.requestsProcessed());
            g.writeNumberField("requests_failed", stats.requestsFailed());
            g.writeNumberField("requests_in_flight", stats.requestsInFlight());
            g.writeEndObject();
            Json.instant(g, "created_at", stored.createdAt());
            g.writeEndObject();
        });
    }

    private static Stored decode(byte[] content, Path file) throws IOException {
        try {
            JsonNode n = Json.parse(content);
            if (n == null || !n.isObject() || Json.number(n, "format") != FORMAT) {
                throw new IOException("not a format-" + FORMAT + " daemon record");
            }
            DaemonData data = new DaemonData(DaemonId.parse(Json.text(n, "id")), Json.text(n, "hostname"),
                    Json.number(n, "pid"), Json.text(n, "version"), Json.text(n, "config_snapshot"));
            Instant startedAt = Nanos.toInstant(Json.instant(n, "started_at"));
            JsonNode s = n.get("stats");
            DaemonStats stats = s == null ? DaemonStats.ZERO : new DaemonStats(Json.number(s, "requests_processed"),
                    Json.number(s, "requests_failed"), Json.number(s, "requests_in_flight"));
            DaemonState state = switch (Json.text(n, "status")) {
                case "initializing" -> new DaemonState.Initializing(startedAt);
                case "running" -> new DaemonState.Running(startedAt, Nanos.toInstant(Json.instant(n, "last_heartbeat")), stats);
                case "dead" -> new DaemonState.Dead(startedAt, Nanos.toInstant(Json.instant(n, "stopped_at")), stats);
                default -> throw new IOException("unknown status " + Json.text(n, "status"));
            };
            return new Stored(new DaemonRecord(data, state), Json.instant(n, "created_at"));
        } catch (IOException | RuntimeException e) {
            LOG.error("Daemon record {} is unreadable", file);
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
