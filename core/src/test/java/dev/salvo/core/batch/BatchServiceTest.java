package dev.salvo.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The batch use cases over a catalog that answers only what each case asks (every other call fails the test). */
class BatchServiceTest {

    private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");
    private static final FileId FILE = new FileId(UUID.fromString("0199a0b1-0000-7000-8000-0000000000f1"));
    private static final BatchId BATCH = new BatchId(UUID.fromString("0199a0b1-0000-7000-8000-0000000000b1"));
    private static final BatchId OTHER = new BatchId(UUID.fromString("0199a0b1-0000-7000-8000-0000000000b2"));
    private static final Caller ALICE = new Caller("alice", false);
    private static final Caller ADMIN = new Caller("root", true);
    private static final BatchService.Submission CHAT = new BatchService.Submission(FILE, "/v1/chat/completions", "24h",
            Map.of("k", "v"));

    /** A catalog answering the named methods; anything else is a call the use case must not make. */
    private static final class Catalog {
        final Map<String, Function<Object[], Object>> answers = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        Catalog on(String method, Function<Object[], Object> answer) {
            answers.put(method, answer);
            return this;
        }

        BatchCatalog proxy() {
            return (BatchCatalog) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BatchCatalog.class},
                    (self, method, args) -> {
                        calls.add(method.getName());
                        Function<Object[], Object> answer = answers.get(method.getName());
                        if (answer == null) {
                            throw new AssertionError("unexpected call " + method.getName());
                        }
                        return answer.apply(args);
                    });
        }
    }

    private static BatchFile file(String owner, Purpose purpose) {
        return new BatchFile(FILE, "in.jsonl", null, 10, FileStatus.PROCESSED, null, purpose,
                purpose == null ? "assistants" : purpose.wire(), T, null, null, owner, null, false);
    }

    private static Batch batch(BatchId id, String owner, Instant completedAt) {
        return new Batch(id, FILE, "/v1/chat/completions", "24h", Map.of(), owner, null, null, null, T, T.plusSeconds(86_400),
                T, completedAt, completedAt, null, null, null, null, null, null, new RequestCounts(3, 0, 0, 0, 0, 0));
    }

    private static FileContentItem line(String path) {
        return new FileContentItem.TemplateLine(0, new RequestTemplateInput("c-0", "", "POST", path, "{}", "m", ""));
    }

    @Test
    void submitCreatesTheBatchWithTheCallerAsOwnerAndTheFilesRequestCount() {
        List<BatchInput> created = new ArrayList<>();
        Catalog catalog = new Catalog()
                .on("getFileFromPrimary", a -> file("alice", Purpose.BATCH))
                .on("streamFileContent", a -> Stream.of(line("/v1/chat/completions")))
                .on("getFileTemplateStats", a -> List.of(new ModelTemplateStats("m1", 2, 40), new ModelTemplateStats("m2", 5, 90)))
                .on("createBatch", a -> {
                    created.add((BatchInput) a[0]);
                    return batch(BATCH, "alice", null);
                });

        BatchService.Submitted answer = new BatchService(catalog.proxy()).submit(ALICE, CHAT);

        assertThat(answer).isEqualTo(new BatchService.Submitted.Created(batch(BATCH, "alice", null)));
        assertThat(created).containsExactly(new BatchInput(FILE, "/v1/chat/completions", "24h", Map.of("k", "v"), "alice",
                null, null, 7L));
    }

    @Test
    void submitRefusesMissingForeignWrongPurposeAndMismatchedFiles() {
        Catalog missing = new Catalog().on("getFileFromPrimary", a -> {
            throw new BatchStorageException.NotFound(BatchStorageException.Entity.FILE, FILE);
        });
        assertThat(new BatchService(missing.proxy()).submit(ALICE, CHAT)).isEqualTo(new BatchService.Submitted.FileNotFound());

        Catalog foreign = new Catalog().on("getFileFromPrimary", a -> file("bob", Purpose.BATCH));
        assertThat(new BatchService(foreign.proxy()).submit(ALICE, CHAT)).isEqualTo(new BatchService.Submitted.FileNotFound());

        Catalog output = new Catalog().on("getFileFromPrimary", a -> file("alice", Purpose.BATCH_OUTPUT));
        assertThat(new BatchService(output.proxy()).submit(ALICE, CHAT))
                .isEqualTo(new BatchService.Submitted.NotABatchFile("batch_output"));

        Catalog unknownPurpose = new Catalog().on("getFileFromPrimary", a -> file("alice", null));
        assertThat(new BatchService(unknownPurpose.proxy()).submit(ALICE, CHAT))
                .isEqualTo(new BatchService.Submitted.NotABatchFile("assistants"));

        Catalog embeddings = new Catalog()
                .on("getFileFromPrimary", a -> file("alice", Purpose.BATCH))
                .on("streamFileContent", a -> Stream.of(line("/v1/embeddings")));
        assertThat(new BatchService(embeddings.proxy()).submit(ALICE, CHAT))
                .isEqualTo(new BatchService.Submitted.EndpointMismatch("/v1/embeddings", "/v1/chat/completions"));
        assertThat(embeddings.calls).doesNotContain("createBatch");
    }

    @Test
    void anAdminSubmitsFromAnyonesFile() {
        Catalog catalog = new Catalog()
                .on("getFileFromPrimary", a -> file("alice", Purpose.BATCH))
                .on("streamFileContent", a -> Stream.of(line("/v1/chat/completions")))
                .on("getFileTemplateStats", a -> List.of(new ModelTemplateStats("m1", 1, 10)))
                .on("createBatch", a -> batch(BATCH, ((BatchInput) a[0]).createdBy(), null));

        assertThat(new BatchService(catalog.proxy()).submit(ADMIN, CHAT))
                .isEqualTo(new BatchService.Submitted.Created(batch(BATCH, "root", null)));
    }

    @Test
    void findShowsOnlyWhatTheCallerSees() {
        Catalog catalog = new Catalog().on("getBatch", a -> {
            if (a[0].equals(OTHER)) {
                throw new BatchStorageException.NotFound(BatchStorageException.Entity.BATCH, OTHER);
            }
            return batch(BATCH, "alice", null);
        });
        BatchService service = new BatchService(catalog.proxy());

        assertThat(service.find(ALICE, BATCH)).contains(batch(BATCH, "alice", null));
        assertThat(service.find(new Caller("bob", false), BATCH)).isEmpty();
        assertThat(service.find(ADMIN, BATCH)).contains(batch(BATCH, "alice", null));
        assertThat(service.find(ALICE, OTHER)).isEmpty();
    }

    @Test
    void cancelRefusesAFinishedBatchAndAcceptsARunningOne() {
        Catalog catalog = new Catalog().on("cancelBatch", a -> batch(BATCH, "alice", null));
        BatchService service = new BatchService(catalog.proxy());

        assertThat(service.cancel(batch(BATCH, "alice", T))).isEqualTo(new BatchService.Cancelled.Refused(batch(BATCH, "alice", T)));
        assertThat(catalog.calls).isEmpty();
        assertThat(service.cancel(batch(BATCH, "alice", null))).isEqualTo(new BatchService.Cancelled.Accepted(batch(BATCH, "alice", null)));
        assertThat(catalog.calls).containsExactly("cancelBatch");
    }

    @Test
    void aCancelThatLosesTheRaceToTheEndAnswersWithTheFinishedBatch() {
        Catalog catalog = new Catalog()
                .on("cancelBatch", a -> {
                    throw new BatchStorageException.InvalidState("finished meanwhile");
                })
                .on("getBatch", a -> batch(BATCH, "alice", T.plusSeconds(5)));

        assertThat(new BatchService(catalog.proxy()).cancel(batch(BATCH, "alice", null)))
                .isEqualTo(new BatchService.Cancelled.Refused(batch(BATCH, "alice", T.plusSeconds(5))));
    }

    @Test
    void fileBatchesKeepsTheVisibleOnes() {
        Catalog catalog = new Catalog()
                .on("listFileBatches", a -> List.of(
                        BatchStatus.of(batch(BATCH, "alice", null), "in.jsonl"), BatchStatus.of(batch(OTHER, "bob", null), "in.jsonl")))
                .on("getBatch", a -> a[0].equals(BATCH) ? batch(BATCH, "alice", null) : batch(OTHER, "bob", null));
        BatchService service = new BatchService(catalog.proxy());

        assertThat(service.fileBatches(ALICE, FILE)).containsExactly(batch(BATCH, "alice", null));
        assertThat(service.fileBatches(ADMIN, FILE)).containsExactly(batch(BATCH, "alice", null), batch(OTHER, "bob", null));
    }
}
