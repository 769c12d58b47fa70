package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchStorage;
import dev.salvo.core.batch.ClaimRequest;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.FileMetadata;
import dev.salvo.core.batch.FileStreamItem;
import dev.salvo.core.batch.FileStreamResult;
import dev.salvo.core.batch.PersistResult;
import dev.salvo.core.batch.RequestState;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.daemon.DaemonId;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Small helpers shared by the adapter-specific tests (the contract has its own). */
final class BatchFixtures {

    static final String MODEL = "model-a";

    private BatchFixtures() {
    }

    static RequestTemplateInput template(int line, String model, String body) {
        return new RequestTemplateInput(String.format("req-%07d", line), "http://upstream.test", "POST",
                "/v1/chat/completions", body, model, "key");
    }

    /** Templates generated on demand, so the test itself never holds the file in memory. */
    static Iterator<FileStreamItem> generated(int count, String name, java.util.function.IntFunction<RequestTemplateInput> make) {
        return new Iterator<>() {
            private int next = -1;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public FileStreamItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return i < 0 ? new FileStreamItem.Metadata(FileMetadata.named(name)) : new FileStreamItem.Template(make.apply(i));
            }
        };
    }

    static FileId upload(BatchStorage storage, int count, String body) {
        FileStreamResult result = storage.createFileStream(generated(count, "generated.jsonl", i -> template(i, MODEL, body)));
        return ((FileStreamResult.Success) result).fileId();
    }

    static List<BatchRequest> claim(BatchStorage storage, DaemonId daemon, int count) {
        return storage.claimRequests(ClaimRequest.of(count, daemon, Map.of(MODEL, count)));
    }

    static BatchRequest start(BatchStorage storage, BatchRequest claimed, Clock clock) {
        BatchRequest processing = claimed.withState(((RequestState.Claimed) claimed.state()).start(clock.instant()));
        storage.persist(processing);
        return processing;
    }

    static PersistResult complete(BatchStorage storage, BatchRequest processing, String body, Clock clock) {
        RequestState.Processing state = (RequestState.Processing) processing.state();
        return storage.persist(processing.withState(state.complete(200, body, processing.data().model(), clock.instant())));
    }
}
