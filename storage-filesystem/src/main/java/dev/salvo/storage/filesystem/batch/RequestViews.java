package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonId;
import java.io.IOException;

/**
 * Turns the compact per-request state into the port's records in two steps: a {@link Slot} copied
 * under the store's lock (cheap, no I/O), then the full request built outside it, reading the template
 * line and, for completed or failed requests, the result record from disk.
 */
final class RequestViews {

    private RequestViews() {
    }

    /** Everything about one request that lives in memory, copied while the lock is held. */
    record Slot(BatchEntry batch, TemplateFile templates, int ordinal, RequestStateKind kind, int attempt, long notBefore, DaemonId daemon,
                long claimedAt, long startedAt, long terminalAt, long resultOffset, int resultLength,
                RequestId supersededBy, int line, String model, String copyApiKey, int twin, boolean copy,
                long readableAfter) {

        RequestId id() {
            return DerivedIds.request(batch.id, ordinal);
        }
    }

    /** Call with the store's lock held and the batch's table loaded. */
    static Slot slot(StoreState state, BatchEntry batch, int ordinal) {
        return slot(state, batch, batch.table, ordinal);
    }

    /** As {@link #slot(StoreState, BatchEntry, int)}, from a table a stream captured (the batch may have unloaded it since). */
    static Slot slot(StoreState state, BatchEntry batch, RequestTable t, int ordinal) {
        int daemon = t.daemon(ordinal);
        return new Slot(batch, t.templates, ordinal, t.kind(ordinal), t.attempt(ordinal), t.notBefore(ordinal),
                daemon < 0 ? null : state.daemons.value(daemon), t.claimedAt(ordinal), t.startedAt(ordinal),
                t.terminalAt(ordinal), t.resultOffset(ordinal), t.resultLength(ordinal), t.supersededBy(ordinal, batch.id),
                t.line(ordinal), state.models.value(t.model(ordinal)), t.copyApiKey(ordinal), t.twin(ordinal),
                t.isCopy(ordinal), state.commit.lastSubmitted());
    }

    static BatchRequest request(StoreState state, Slot slot, RequestTemplateInput template) throws IOException {
        return new BatchRequest(data(slot, template), state(state, slot));
    }

    static RequestData data(Slot slot, RequestTemplateInput template) {
        BatchEntry batch = slot.batch();
        String apiKey = slot.copyApiKey() != null ? slot.copyApiKey()
                : batch.apiKey != null ? batch.apiKey : template.apiKey();
        return new RequestData(slot.id(), batch.id, DerivedIds.template(batch.templateFileId, slot.line()), slot.line(),
                template.customId(), template.endpoint(), template.method(), template.path(), template.body(),
                slot.model(), apiKey, batch.createdBy, Nanos.toInstant(batch.expiresAt),
                slot.copy() ? DerivedIds.request(batch.id, slot.twin()) : null, batch.metadata);
    }

    static RequestState state(StoreState state, Slot s) throws IOException {
        return switch (s.kind()) {
            case PENDING -> new RequestState.Pending(s.attempt(), Nanos.toInstant(s.notBefore()));
            case CLAIMED -> new RequestState.Claimed(s.daemon(), Nanos.toInstant(s.claimedAt()), s.attempt());
            case PROCESSING -> new RequestState.Processing(s.daemon(), Nanos.toInstant(s.claimedAt()),
                    Nanos.toInstant(s.startedAt()), s.attempt());
            case COMPLETED -> {
                ResultCodec.Completion c = completion(state, s);
                yield new RequestState.Completed(c.status(), c.body(), Nanos.toInstant(s.claimedAt()),
                        Nanos.toInstant(s.startedAt()), Nanos.toInstant(s.terminalAt()), c.routedModel());
            }
            case FAILED -> {
                if (s.resultOffset() == RequestTable.EXPIRED) {
                    yield new RequestState.Failed(new FailureReason.BatchExpired(), Nanos.toInstant(s.terminalAt()),
                            s.attempt(), null);
                }
                ResultCodec.Failure f = failure(state, s);
                yield new RequestState.Failed(f.reason(), Nanos.toInstant(s.terminalAt()), s.attempt(), f.routedModel());
            }
            case CANCELED -> new RequestState.Canceled(Nanos.toInstant(s.terminalAt()));
            case SUPERSEDED -> new RequestState.Superseded(Nanos.toInstant(s.terminalAt()), s.supersededBy());
        };
    }

    static ResultCodec.Completion completion(StoreState state, Slot s) throws IOException {
        return ResultCodec.decodeCompletion(readResult(state, s.batch(), s.resultOffset(), s.resultLength(), s.readableAfter()));
    }

    static ResultCodec.Failure failure(StoreState state, Slot s) throws IOException {
        return ResultCodec.decodeFailure(readResult(state, s.batch(), s.resultOffset(), s.resultLength(), s.readableAfter()));
    }

    /**
     * Reads a result record. It may have been reserved by a change whose group commit has not written it
     * yet; then this waits for that group ({@code readableAfter} is the sequence current at snapshot time).
     */
    static byte[] readResult(StoreState state, BatchEntry batch, long offset, int length, long readableAfter)
            throws IOException {
        if (offset < 0) {
            throw new IOException("request has no result record");
        }
        if (offset + length > batch.log.writtenLength()) {
            state.commit.awaitDurable(readableAfter);
        }
        return batch.log.read(offset, length);
    }
}
