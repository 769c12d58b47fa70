package dev.salvo.conformance.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvo.conformance.ContractFixture;
import dev.salvo.core.batch.Batch;
import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchInput;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.ClaimToken;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.ListBatchesFilter;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestCounts;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestLookup;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.daemon.DaemonData;
import dev.salvo.core.daemon.DaemonId;
import dev.salvo.core.daemon.DaemonRecord;
import dev.salvo.core.daemon.DaemonState;
import dev.salvo.core.daemon.DaemonStats;
import dev.salvo.core.daemon.DaemonStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * What the batch contracts' tests share, whichever section interface they are written in: the constants and
 * small fixtures that drive files, batches and requests through real port operations. Holds no tests.
 * {@link BatchStorageContract} and {@link DaemonStorageContract} implement it through
 * {@link dev.salvo.conformance.StoreContract StoreContract}{@code <BatchStores>}, which supplies
 * {@link #store()} (both ports of the backend under test) and {@link #clock()}.
 */
public interface BatchFixture extends ContractFixture<BatchStores> {

    /** The {@code endpoint} of every batch and the {@code path} of every template the contract creates. */
    String PATH = "/v1/chat/completions";
    /** The upstream base URL of the templates. */
    String UPSTREAM = "http://upstream.test:8000/ai";
    /** The model most tests use. */
    String M = "model-a";
    /** A second model. */
    String M2 = "model-b";
    /** The model escalated copies are routed to. */
    String FAST = "model-fast";
    /** A notBefore that lies ahead on any adapter's clock, controllable or not. */
    Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

    default BatchStorage storage() {
        return store().batches();
    }

    default DaemonStorage daemons() {
        return store().daemons();
    }

    default Instant now() {
        return clock().instant();
    }

    // ---------------------------------------------------------------- files

    /** A template whose body holds non-ASCII text, so byte-for-byte storage is exercised everywhere. */
    default RequestTemplateInput template(String customId, String model) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Grüße ✓ "
                + customId + "\"}]}";
        return new RequestTemplateInput(customId, UPSTREAM, "POST", PATH, body, model, "template-key-" + model);
    }

    /** {@code n} templates with custom ids {@code req-00000, req-00001, …}, models assigned round robin. */
    default List<RequestTemplateInput> templates(int n, String... models) {
        return IntStream.range(0, n)
                .mapToObj(i -> template(String.format("req-%05d", i), models[i % models.length]))
                .toList();
    }

    default List<RequestTemplateInput> templatesWithIds(String model, String... customIds) {
        return Stream.of(customIds).map(id -> template(id, model)).toList();
    }

    default FileId upload(String name, List<RequestTemplateInput> templates) {
        return storage().createFile(name, "description of " + name, templates);
    }

    default FileId upload(int n, String... models) {
        return upload("input.jsonl", templates(n, models));
    }

    /** Uploads through {@link BatchStorage#createFileStream} with one metadata item in front. */
    default FileId uploadWith(FileMetadata metadata, List<RequestTemplateInput> templates) {
        List<FileStreamItem> items = new ArrayList<>();
        items.add(new FileStreamItem.Metadata(metadata));
        templates.forEach(t -> items.add(new FileStreamItem.Template(t)));
        FileStreamResult result = storage().createFileStream(items.iterator());
        assertThat(result).as("stream without abort").isInstanceOf(FileStreamResult.Success.class);
        return ((FileStreamResult.Success) result).fileId();
    }

    default FileMetadata fileMeta(String name, String uploadedBy, String apiKeyId) {
        return new FileMetadata(name, "description of " + name, "batch", null, null, null, uploadedBy, apiKeyId);
    }

    default List<FileContentItem> content(FileId id) {
        return content(id, 0, null);
    }

    default List<FileContentItem> content(FileId id, long offset, String search) {
        return drain(() -> storage().streamFileContent(id, offset, search));
    }

    /** The custom ids of content items of any kind, in stream order. */
    default List<String> customIds(List<FileContentItem> items) {
        return items.stream().map(item -> switch (item) {
            case FileContentItem.TemplateLine t -> t.template().customId();
            case FileContentItem.OutputLine o -> o.customId();
            case FileContentItem.ErrorLine e -> e.customId();
        }).toList();
    }

    /** The request ids of output or error lines, in stream order. */
    default List<RequestId> lineRequestIds(List<FileContentItem> items) {
        return items.stream().map(item -> switch (item) {
            case FileContentItem.OutputLine o -> o.requestId();
            case FileContentItem.ErrorLine e -> e.requestId();
            case FileContentItem.TemplateLine t -> throw new AssertionError("template line in a result file: " + t);
        }).toList();
    }

    // ---------------------------------------------------------------- batches

    default BatchInput input(FileId fileId) {
        return BatchInput.of(fileId, PATH, "24h");
    }

    default BatchInput input(FileId fileId, String window) {
        return BatchInput.of(fileId, PATH, window);
    }

    /** Uploads {@code n} templates (models round robin) and creates a populated 24h batch from them. */
    default Batch newBatch(int n, String... models) {
        return storage().createBatch(input(upload(n, models)));
    }

    default Batch newBatch(String window, int n, String... models) {
        return storage().createBatch(input(upload(n, models), window));
    }

    default Batch newBatch(BatchInput input) {
        return storage().createBatch(input);
    }

    /** A populated 24h batch of {@code n} templates (models round robin) owned by {@code owner}. */
    default Batch newOwnedBatch(String owner, String window, int n, String... models) {
        return storage().createBatch(input(upload(n, models), window).withCreatedBy(owner));
    }

    default Batch batch(BatchId id) {
        return storage().getBatch(id);
    }

    default List<BatchRequest> requests(BatchId id) {
        return drain(() -> storage().streamBatchRequests(id));
    }

    /** The batch's original (not escalated) requests, in line order. */
    default List<BatchRequest> originals(BatchId id) {
        return requests(id).stream().filter(r -> !r.data().isEscalated())
                .sorted(Comparator.comparingLong(r -> r.data().lineNumber())).toList();
    }

    /** The batch's escalated copies, in line order. */
    default List<BatchRequest> copies(BatchId id) {
        return requests(id).stream().filter(r -> r.data().isEscalated())
                .sorted(Comparator.comparingLong(r -> r.data().lineNumber())).toList();
    }

    default List<BatchResultItem> results(BatchId id, long offset, String search, ResultStatus status) {
        return drain(() -> storage().streamBatchResults(id, offset, search, status));
    }

    default BatchRequest reload(RequestId id) {
        RequestLookup lookup = storage().getRequests(List.of(id)).getFirst();
        assertThat(lookup).as("request %s", id).isInstanceOf(RequestLookup.Found.class);
        return ((RequestLookup.Found) lookup).request();
    }

    default RequestState stateOf(RequestId id) {
        return reload(id).state();
    }

    default RequestStateKind kindOf(RequestId id) {
        return stateOf(id).kind();
    }

    default RequestCounts counts(long total, long pending, long inProgress, long completed, long failed,
                                          long canceled) {
        return new RequestCounts(total, pending, inProgress, completed, failed, canceled);
    }

    /** The ids {@code listBatches} answers for {@code filter}, in its order. */
    default List<BatchId> listed(ListBatchesFilter filter) {
        return storage().listBatches(filter).stream().map(Batch::id).toList();
    }

    // ---------------------------------------------------------------- daemons and request states

    default DaemonData daemonData(DaemonId id) {
        return new DaemonData(id, "host-" + id.toString().substring(24), 4242, "test", "{\"claim_batch_size\":100}");
    }

    /** Registers a running daemon that heartbeated just now (by the test clock). */
    default DaemonId liveDaemon() {
        DaemonId id = DaemonId.generate();
        daemons().persistDaemon(new DaemonRecord(daemonData(id),
                new DaemonState.Running(now(), now(), DaemonStats.ZERO)));
        return id;
    }

    default void heartbeat(DaemonId id) {
        daemons().persistDaemon(new DaemonRecord(daemonData(id),
                new DaemonState.Running(now(), now(), new DaemonStats(1, 0, 1))));
    }

    default void markDead(DaemonId id) {
        daemons().persistDaemon(new DaemonRecord(daemonData(id),
                new DaemonState.Dead(now(), now(), DaemonStats.ZERO)));
    }

    default List<BatchRequest> claim(DaemonId daemon, int limit, Map<String, Integer> capacity) {
        return storage().claimRequests(ClaimRequest.of(limit, daemon, capacity));
    }

    /** Claims up to {@code count} requests of {@code model}, sorted by line number. */
    default List<BatchRequest> claim(DaemonId daemon, String model, int count) {
        return byLine(claim(daemon, count, Map.of(model, count)));
    }

    default List<BatchRequest> byLine(List<BatchRequest> requests) {
        return requests.stream().sorted(Comparator.comparingLong((BatchRequest r) -> r.data().lineNumber())
                .thenComparing(BatchRequest::id)).toList();
    }

    /**
     * The claim a request returned by {@link #claim} (or started by {@link #start}) is held under: what
     * a daemon presents with every write it makes about that request.
     */
    default Optional<ClaimToken> holder(BatchRequest held) {
        return Optional.of(ClaimToken.held(held.state()));
    }

    default Instant claimedAt(BatchRequest held) {
        return ClaimToken.held(held.state()).claimedAt();
    }

    /** A fenced retry by the request's holder ({@code held} as claimed or started). */
    default boolean reschedule(BatchRequest held, RequestState.Pending next) {
        return storage().rescheduleForRetry(held.id(), ClaimToken.held(held.state()), next);
    }

    /** Persists claimed → processing (as its holder) and returns the request in its new state. */
    default BatchRequest start(BatchRequest claimed) {
        RequestState.Claimed state = (RequestState.Claimed) claimed.state();
        BatchRequest processing = claimed.withState(state.start(now()));
        assertThat(storage().persist(processing, holder(claimed)).applied()).as("start %s", claimed.id()).isTrue();
        return processing;
    }

    default List<BatchRequest> startAll(List<BatchRequest> claimed) {
        return claimed.stream().map(this::start).toList();
    }

    /** Claims up to {@code count} requests of {@code model} and starts them; sorted by line number. */
    default List<BatchRequest> processing(DaemonId daemon, String model, int count) {
        return startAll(claim(daemon, model, count));
    }

    default String responseBody(BatchRequest request) {
        return "{\"id\":\"resp-" + request.data().customId() + "\",\"choices\":[{\"text\":\"Antwort ✓\"}]}";
    }

    default PersistResult complete(BatchRequest processing) {
        return complete(processing, responseBody(processing), now());
    }

    default PersistResult complete(BatchRequest processing, String body, Instant at) {
        RequestState.Processing state = (RequestState.Processing) processing.state();
        return storage().persist(processing.withState(state.complete(200, body, processing.data().model(), at)), holder(processing));
    }

    default PersistResult fail(BatchRequest processing) {
        return fail(processing, new FailureReason.NonRetriableHttpStatus(400, "bad request"), now());
    }

    default PersistResult fail(BatchRequest processing, FailureReason reason, Instant at) {
        RequestState.Processing state = (RequestState.Processing) processing.state();
        return storage().persist(processing.withState(state.fail(reason, processing.data().model(), at)), holder(processing));
    }

    /** Claims, starts and completes every pending request of {@code model}. */
    default void completeAll(DaemonId daemon, String model, int count) {
        for (BatchRequest r : processing(daemon, model, count)) {
            assertThat(complete(r).applied()).as("complete %s", r.id()).isTrue();
        }
    }

    /** Persists processing → completed with the given status code and body at {@code at}. */
    default PersistResult completeWith(BatchRequest processing, int statusCode, String body, Instant at) {
        RequestState.Processing state = (RequestState.Processing) processing.state();
        return storage().persist(processing.withState(state.complete(statusCode, body, processing.data().model(), at)),
                holder(processing));
    }

    /** Persists a daemon-side cancel (its call was aborted) of a claimed or processing request. */
    default PersistResult cancelInFlight(BatchRequest inFlight) {
        return storage().persist(inFlight.withState(new RequestState.Canceled(now())), holder(inFlight));
    }

    /** Claims, starts and fails (non-retriable) every pending request of {@code model}. */
    default void failAll(DaemonId daemon, String model, int count) {
        for (BatchRequest r : processing(daemon, model, count)) {
            assertThat(fail(r).applied()).as("fail %s", r.id()).isTrue();
        }
    }

    /** The ids in (time, id) order where all times are equal: the store's tie-break order. */
    default List<RequestId> inIdOrder(java.util.Collection<RequestId> ids) {
        return ids.stream().sorted().toList();
    }

    default List<RequestId> ids(List<BatchRequest> requests) {
        return requests.stream().map(BatchRequest::id).toList();
    }

    // ---------------------------------------------------------------- small utilities

    default <T> List<T> drain(Supplier<Stream<T>> streams) {
        try (Stream<T> stream = streams.get()) {
            return stream.toList();
        }
    }

    /** The exception of exactly {@code type} that {@code call} throws (fails the test if none). */
    default <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call) {
        T e = catchThrowableOfType(type, call);
        assertThat(e).as("expected %s", type.getSimpleName()).isNotNull();
        return e;
    }
}
