package dev.salvo.storage.postgres.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvo.conformance.Concurrently;
import dev.salvo.core.checkpoint.CheckpointMetadata;
import dev.salvo.core.checkpoint.CheckpointStore;
import dev.salvo.core.checkpoint.ThreadKey;
import dev.salvo.storage.postgres.PostgresDatabase;
import dev.salvo.storage.postgres.testing.PostgresTestServer;
import dev.salvo.storage.postgres.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Two pools on one database stand in for two replicas: only the database can keep them in line. */
class PostgresCheckpointStoreReplicasTest {

    private static final ThreadKey SHARED = ThreadKey.of("alice", "shared");

    @Test
    void concurrentSavesFromTwoPoolsGetDistinctGapFreeSequences() {
        TestDatabase database = PostgresTestServer.get().createDatabase();
        int workers = 8;
        int savesPerWorker = 25;
        int total = workers * savesPerWorker;
        try (PostgresDatabase replicaA = database.open(4); PostgresDatabase replicaB = database.open(4)) {
            List<CheckpointStore> replicas = List.of(
                    new PostgresCheckpointStore(replicaA.dsl()), new PostgresCheckpointStore(replicaB.dsl()));

            Concurrently.run(workers, worker -> {
                CheckpointStore store = replicas.get(worker % replicas.size());
                for (int i = 0; i < savesPerWorker; i++) {
                    String id = "r" + worker + "-" + i;
                    store.save(SHARED, CheckpointMetadata.of(id, "shared", Instant.EPOCH, i),
                            id.getBytes(StandardCharsets.UTF_8));
                }
            });

            List<CheckpointMetadata> all = replicas.get(0).list(SHARED);
            assertThat(all).extracting(CheckpointMetadata::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(all).extracting(CheckpointMetadata::id).doesNotHaveDuplicates();
            assertThat(replicas.get(1).count(SHARED)).isEqualTo(total);
            assertThat(replicas.get(1).loadLatest(SHARED).metadata()).isEqualTo(all.getLast());
        }
    }
}
