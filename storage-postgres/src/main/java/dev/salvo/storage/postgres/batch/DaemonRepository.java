package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.DAEMONS;

import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStatus;
import dev.salvo.storage.postgres.jooq.tables.Daemons;
import dev.salvo.storage.postgres.jooq.tables.records.DaemonsRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The daemon registry: one row per daemon process, upserted on every lifecycle change and heartbeat. */
final class DaemonRepository {

    private static final Daemons D = DAEMONS;

    private final Sql sql;

    DaemonRepository(Sql sql) {
        this.sql = sql;
    }

    /** One INSERT … ON CONFLICT (id) DO UPDATE; a dead record keeps the last heartbeat it had. */
    void persistDaemon(DaemonRecord record) {
        DaemonData data = record.data();
        DaemonsRecord row = D.newRecord();
        row.setId(data.id().value());
        row.setStatus(record.state().status().wire());
        row.setHostname(TextColumns.storable(data.hostname(), "hostname"));
        row.setPid(data.pid());
        row.setVersion(TextColumns.storable(data.version(), "version"));
        row.setConfigSnapshot(TextColumns.storable(data.configSnapshot(), "config snapshot"));
        row.setStartedAt(Sql.micros(record.state().startedAt()));
        row.setCreatedAt(sql.now());
        DaemonStats stats = DaemonStats.ZERO;
        switch (record.state()) {
            case DaemonState.Initializing s -> {
                row.setLastHeartbeat(null);
                row.setStoppedAt(null);
            }
            case DaemonState.Running s -> {
                row.setLastHeartbeat(Sql.micros(s.lastHeartbeat()));
                row.setStoppedAt(null);
                stats = s.stats();
            }
            case DaemonState.Dead s -> {
                row.setLastHeartbeat(null);
                row.setStoppedAt(Sql.micros(s.stoppedAt()));
                stats = s.finalStats();
            }
        }
        row.setRequestsProcessed(stats.requestsProcessed());
        row.setRequestsFailed(stats.requestsFailed());
        row.setRequestsInFlight(stats.requestsInFlight());
        boolean dead = record.state() instanceof DaemonState.Dead;
        sql.read("persist daemon " + data.id(), () -> sql.dsl()
                .insertInto(D).set(row)
                .onConflict(D.ID).doUpdate()
                .set(D.STATUS, row.getStatus())
                .set(D.HOSTNAME, row.getHostname())
                .set(D.PID, row.getPid())
                .set(D.VERSION, row.getVersion())
                .set(D.CONFIG_SNAPSHOT, row.getConfigSnapshot())
                .set(D.STARTED_AT, row.getStartedAt())
                .set(D.LAST_HEARTBEAT, dead ? D.LAST_HEARTBEAT : DSL.val(row.getLastHeartbeat()))
                .set(D.STOPPED_AT, row.getStoppedAt())
                .set(D.REQUESTS_PROCESSED, row.getRequestsProcessed())
                .set(D.REQUESTS_FAILED, row.getRequestsFailed())
                .set(D.REQUESTS_IN_FLIGHT, row.getRequestsInFlight())
                .execute());
    }

    DaemonRecord getDaemon(DaemonId id) {
        Record row = sql.read("get daemon " + id, () -> sql.dsl().selectFrom(D).where(D.ID.eq(id.value())).fetchOne());
        if (row == null) {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.DAEMON, id);
        }
        return daemon(row);
    }

    List<DaemonRecord> listDaemons(Optional<DaemonStatus> status) {
        return sql.read("list daemons", () -> sql.dsl().selectFrom(D)
                .where(status.map(s -> D.STATUS.eq(s.wire())).orElse(DSL.noCondition()))
                .orderBy(D.STARTED_AT.desc(), D.ID.desc())
                .fetch(this::daemon));
    }

    long purgeDeadDaemons(Duration retention) {
        Instant cutoff = sql.now().minus(retention);
        return sql.read("purge dead daemons", () -> (long) sql.dsl().deleteFrom(D)
                .where(D.STATUS.eq("dead")).and(D.STOPPED_AT.lt(cutoff))
                .execute());
    }

    private DaemonRecord daemon(Record row) {
        DaemonData data = new DaemonData(new DaemonId(row.get(D.ID)), row.get(D.HOSTNAME), row.get(D.PID), row.get(D.VERSION),
                row.get(D.CONFIG_SNAPSHOT));
        DaemonStats stats = new DaemonStats(row.get(D.REQUESTS_PROCESSED), row.get(D.REQUESTS_FAILED), row.get(D.REQUESTS_IN_FLIGHT));
        DaemonState state = switch (row.get(D.STATUS)) {
            case "initializing" -> new DaemonState.Initializing(row.get(D.STARTED_AT));
            case "running" -> new DaemonState.Running(row.get(D.STARTED_AT), row.get(D.LAST_HEARTBEAT), stats);
            case "dead" -> new DaemonState.Dead(row.get(D.STARTED_AT), row.get(D.STOPPED_AT), stats);
            default -> throw new BatchStorageException.Backend("daemon " + row.get(D.ID) + " has unknown status " + row.get(D.STATUS), null);
        };
        return new DaemonRecord(data, state);
    }
}
