package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchTest {

    static final BatchId ID = BatchId.parse("00000000-0000-7000-8000-00000000b001");
    static final FileId FILE = FileId.parse("00000000-0000-7000-8000-00000000f001");
    static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
    static final Instant EXPIRES = Instant.parse("2026-03-02T10:00:00Z");
    static final Instant T = Instant.parse("2026-03-01T11:00:00Z");
    static final RequestCounts COUNTS = new RequestCounts(4, 1, 1, 1, 1, 0);

    /** A batch with exactly the named timestamps set (all to {@link #T}). */
    static Batch batch(String... stamps) {
        Map<String, Instant> s = new HashMap<>();
        for (String name : stamps) {
            s.put(name, T);
        }
        for (String name : s.keySet()) {
            if (!Set.of("inProgress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled",
                    "deleted").contains(name)) {
                throw new IllegalArgumentException(name);
            }
        }
        return new Batch(ID, FILE, "/v1/chat/completions", "24h", Map.of("k", "v"), "alice", null, null, null, CREATED,
                EXPIRES, s.get("inProgress"), s.get("finalizing"), s.get("completed"), s.get("failed"), s.get("expired"),
                s.get("cancelling"), s.get("cancelled"), s.get("deleted"), null, COUNTS);
    }

    @Test
    void statusFollowsTheLifecycleStamps() {
        assertThat(batch().status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        assertThat(batch("inProgress").status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
        assertThat(batch("inProgress", "finalizing").status()).isEqualTo(OpenAiBatchStatus.FINALIZING);
        assertThat(batch("inProgress", "finalizing", "completed").status()).isEqualTo(OpenAiBatchStatus.COMPLETED);
        assertThat(batch("failed").status()).isEqualTo(OpenAiBatchStatus.FAILED);
        assertThat(batch("inProgress", "cancelling").status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(batch("inProgress", "cancelling", "cancelled").status()).isEqualTo(OpenAiBatchStatus.CANCELLED);
        assertThat(batch("inProgress", "expired").status()).isEqualTo(OpenAiBatchStatus.EXPIRED);
    }

    @Test
    void statusPrecedenceWhenSeveralStampsAreSet() {
        // failed beats everything
        assertThat(batch("inProgress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled").status())
                .isEqualTo(OpenAiBatchStatus.FAILED);
        // then cancelled
        assertThat(batch("inProgress", "finalizing", "completed", "expired", "cancelling", "cancelled").status())
                .isEqualTo(OpenAiBatchStatus.CANCELLED);
        // then expired
        assertThat(batch("inProgress", "finalizing", "completed", "expired", "cancelling").status())
                .isEqualTo(OpenAiBatchStatus.EXPIRED);
        // then completed
        assertThat(batch("inProgress", "finalizing", "completed", "cancelling").status())
                .isEqualTo(OpenAiBatchStatus.COMPLETED);
        // then cancelling, even while still validating or finalizing
        assertThat(batch("cancelling").status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        assertThat(batch("inProgress", "finalizing", "cancelling").status()).isEqualTo(OpenAiBatchStatus.CANCELLING);
        // finalizing without in-progress is still validating
        assertThat(batch("finalizing").status()).isEqualTo(OpenAiBatchStatus.VALIDATING);
        // deletion does not change the status
        assertThat(batch("inProgress", "deleted").status()).isEqualTo(OpenAiBatchStatus.IN_PROGRESS);
    }

    @Test
    void activeMeansNoTerminalStampNoCancelAndNotDeleted() {
        assertThat(batch().isActive()).isTrue();
        assertThat(batch("inProgress").isActive()).isTrue();
        assertThat(batch("inProgress", "finalizing").isActive()).isTrue();
        for (String stamp : new String[] {"completed", "failed", "cancelled", "expired", "cancelling", "deleted"}) {
            assertThat(batch("inProgress", stamp).isActive()).as(stamp).isFalse();
        }
    }

    @Test
    void terminalFollowsTheStatus() {
        assertThat(batch().isTerminal()).isFalse();
        assertThat(batch("inProgress").isTerminal()).isFalse();
        assertThat(batch("inProgress", "finalizing").isTerminal()).isFalse();
        assertThat(batch("inProgress", "cancelling").isTerminal()).isFalse();
        assertThat(batch("inProgress", "completed").isTerminal()).isTrue();
        assertThat(batch("failed").isTerminal()).isTrue();
        assertThat(batch("inProgress", "expired").isTerminal()).isTrue();
        assertThat(batch("inProgress", "cancelling", "cancelled").isTerminal()).isTrue();
    }

    @Test
    void constructorNormalisesMetadataAndRequiresIdentity() {
        Batch noMetadata = new Batch(ID, null, "/v1/x", "24h", null, null, null, null, null, CREATED, EXPIRES, null, null,
                null, null, null, null, null, null, null, RequestCounts.NONE);
        assertThat(noMetadata.metadata()).isEmpty();
        Map<String, String> mutable = new HashMap<>(Map.of("a", "1"));
        Batch copied = new Batch(ID, null, "/v1/x", "24h", mutable, null, null, null, null, CREATED, EXPIRES, null, null,
                null, null, null, null, null, null, null, RequestCounts.NONE);
        mutable.put("b", "2");
        assertThat(copied.metadata()).isEqualTo(Map.of("a", "1"));
        assertThatThrownBy(() -> new Batch(null, null, "/v1/x", "24h", null, null, null, null, null, CREATED, EXPIRES,
                null, null, null, null, null, null, null, null, null, RequestCounts.NONE))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Batch(ID, null, "/v1/x", "24h", null, null, null, null, null, CREATED, EXPIRES,
                null, null, null, null, null, null, null, null, null, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void batchStatusIsACompactView() {
        Batch b = batch("inProgress", "failed");
        BatchStatus s = BatchStatus.of(b, "input.jsonl");
        assertThat(s).isEqualTo(new BatchStatus(ID, FILE, "input.jsonl", COUNTS, OpenAiBatchStatus.FAILED, CREATED, T, T));
        assertThat(s.isFinished()).isFalse();
        BatchStatus done = new BatchStatus(ID, FILE, "f", new RequestCounts(2, 0, 0, 1, 1, 0), OpenAiBatchStatus.COMPLETED,
                CREATED, T, null);
        assertThat(done.isFinished()).isTrue();
        BatchStatus empty = new BatchStatus(ID, FILE, "f", RequestCounts.NONE, OpenAiBatchStatus.VALIDATING, CREATED,
                null, null);
        assertThat(empty.isFinished()).isFalse();
    }

    @Test
    void statusFilterParsesTheFiveOpenAiNames() {
        assertThat(BatchStatusFilter.parse("in_progress")).isEqualTo(BatchStatusFilter.IN_PROGRESS);
        assertThat(BatchStatusFilter.parse("completed")).isEqualTo(BatchStatusFilter.COMPLETED);
        assertThat(BatchStatusFilter.parse(" FAILED ")).isEqualTo(BatchStatusFilter.FAILED);
        assertThat(BatchStatusFilter.parse("Cancelled")).isEqualTo(BatchStatusFilter.CANCELLED);
        assertThat(BatchStatusFilter.parse("expired")).isEqualTo(BatchStatusFilter.EXPIRED);
        for (String bad : new String[] {"validating", "cancelling", "", "in-progress"}) {
            assertThatThrownBy(() -> BatchStatusFilter.parse(bad))
                    .isInstanceOf(BatchStorageException.Validation.class)
                    .hasMessage("Unknown batch status filter '" + bad
                            + "': use in_progress, completed, failed, cancelled or expired");
        }
        assertThatThrownBy(() -> BatchStatusFilter.parse(null))
                .isInstanceOf(BatchStorageException.Validation.class)
                .hasMessageStartingWith("Unknown batch status filter 'null'");
    }

    @Test
    void statusFilterMatchesByTimestamps() {
        // in_progress: validating, in progress and finalizing batches
        assertThat(BatchStatusFilter.IN_PROGRESS.matches(batch())).isTrue();
        assertThat(BatchStatusFilter.IN_PROGRESS.matches(batch("inProgress"))).isTrue();
        assertThat(BatchStatusFilter.IN_PROGRESS.matches(batch("inProgress", "finalizing"))).isTrue();
        for (String stamp : new String[] {"completed", "failed", "cancelled", "cancelling", "expired"}) {
            assertThat(BatchStatusFilter.IN_PROGRESS.matches(batch("inProgress", stamp))).as(stamp).isFalse();
        }

        assertThat(BatchStatusFilter.COMPLETED.matches(batch("inProgress", "completed"))).isTrue();
        assertThat(BatchStatusFilter.COMPLETED.matches(batch("inProgress", "finalizing"))).isFalse();

        assertThat(BatchStatusFilter.FAILED.matches(batch("failed"))).isTrue();
        assertThat(BatchStatusFilter.FAILED.matches(batch("failed", "completed"))).isFalse();
        assertThat(BatchStatusFilter.FAILED.matches(batch("inProgress"))).isFalse();

        assertThat(BatchStatusFilter.CANCELLED.matches(batch("inProgress", "cancelling"))).isTrue();
        assertThat(BatchStatusFilter.CANCELLED.matches(batch("inProgress", "cancelled"))).isTrue();
        assertThat(BatchStatusFilter.CANCELLED.matches(batch("inProgress", "completed"))).isFalse();

        assertThat(BatchStatusFilter.EXPIRED.matches(batch("inProgress", "expired"))).isTrue();
        assertThat(BatchStatusFilter.EXPIRED.matches(batch("inProgress", "completed"))).isFalse();
    }
}
