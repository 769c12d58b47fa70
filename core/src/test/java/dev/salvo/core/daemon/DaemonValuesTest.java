package dev.salvo.core.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The daemon registry's values: identity defaults, the lifecycle's transitions and ids, stated literally. */
class DaemonValuesTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final DaemonId ID = new DaemonId(UUID.fromString("0199a0b1-0000-7000-8000-000000000001"));

    @Test
    void identityFillsItsDefaults() {
        DaemonData bare = new DaemonData(ID, null, 42, null, null);
        assertThat(bare.hostname()).isEqualTo("unknown");
        assertThat(bare.version()).isEqualTo("dev");
        assertThat(bare.configSnapshot()).isEqualTo("{}");
        assertThat(bare.pid()).isEqualTo(42);
        DaemonData full = new DaemonData(ID, "host-1", 7, "1.2.3", "{\"a\":1}");
        assertThat(full.hostname()).isEqualTo("host-1");
        assertThat(full.version()).isEqualTo("1.2.3");
        assertThat(full.configSnapshot()).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> new DaemonData(null, "h", 1, "v", "{}")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void lifecycleMovesInitializingRunningDeadKeepingTheStart() {
        DaemonStats stats = new DaemonStats(5, 1, 2);
        DaemonState.Initializing init = new DaemonState.Initializing(T0);
        DaemonState.Running running = init.start(T0.plusSeconds(1));
        DaemonState.Running beat = running.heartbeat(stats, T0.plusSeconds(6));
        DaemonState.Dead dead = beat.shutdown(T0.plusSeconds(9));

        assertThat(init.status()).isEqualTo(DaemonStatus.INITIALIZING);
        assertThat(running).isEqualTo(new DaemonState.Running(T0, T0.plusSeconds(1), DaemonStats.ZERO));
        assertThat(running.status()).isEqualTo(DaemonStatus.RUNNING);
        assertThat(beat).isEqualTo(new DaemonState.Running(T0, T0.plusSeconds(6), stats));
        assertThat(dead).isEqualTo(new DaemonState.Dead(T0, T0.plusSeconds(9), stats));
        assertThat(dead.status()).isEqualTo(DaemonStatus.DEAD);
        assertThat(dead.startedAt()).isEqualTo(T0);
        assertThatThrownBy(() -> new DaemonState.Initializing(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DaemonState.Running(T0, null, stats)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DaemonState.Running(T0, T0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DaemonState.Dead(T0, T0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void statusWireNamesAndRecords() {
        assertThat(DaemonStatus.INITIALIZING.wire()).isEqualTo("initializing");
        assertThat(DaemonStatus.RUNNING.wire()).isEqualTo("running");
        assertThat(DaemonStatus.DEAD.wire()).isEqualTo("dead");
        DaemonRecord record = new DaemonRecord(new DaemonData(ID, "h", 1, "v", "{}"), new DaemonState.Initializing(T0));
        assertThat(record.id()).isEqualTo(ID);
        DaemonState.Running next = new DaemonState.Running(T0, T0, DaemonStats.ZERO);
        assertThat(record.withState(next)).isEqualTo(new DaemonRecord(record.data(), next));
        assertThatThrownBy(() -> new DaemonRecord(null, next)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DaemonRecord(record.data(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void idsParseCanonicalUuidsAndOrderByTime() {
        assertThat(DaemonId.parse("0199a0b1-0000-7000-8000-000000000001")).isEqualTo(ID);
        assertThat(ID.toString()).isEqualTo("0199a0b1-0000-7000-8000-000000000001");
        assertThatThrownBy(() -> DaemonId.parse("not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
        DaemonId later = new DaemonId(UUID.fromString("0199a0b2-0000-7000-8000-000000000001"));
        assertThat(ID.compareTo(later)).isNegative();
        assertThat(later.compareTo(ID)).isPositive();
        assertThat(ID.compareTo(ID)).isZero();
        assertThat(DaemonId.generate()).isNotEqualTo(DaemonId.generate());
        assertThatThrownBy(() -> new DaemonId(null)).isInstanceOf(NullPointerException.class);
    }
}
