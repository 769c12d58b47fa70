package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.BatchResultItem;
import dev.salvo.core.batch.BatchStorageException;
import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.FileContentItem;
import dev.salvo.core.batch.RequestTemplateInput;
import dev.salvo.core.batch.ResultStatus;
import dev.salvo.core.batch.SearchText;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy streams of the port. Each reads its files through channels of its own (closed with the
 * stream) and holds one item at a time, plus — for the merged views — the in-memory state of the next
 * {@value #CHUNK} requests, copied under the store's lock a chunk at a time, so a download never holds
 * the lock while it does I/O and never holds more than a chunk of state.
 */
final class ContentStreams {

    static final int CHUNK = 1024;

    private ContentStreams() {
    }

    /** {@code search} as the port defines it ({@link SearchText}): null or empty keeps everything. */
    static String needle(String search) {
        return SearchText.needle(search);
    }

    static boolean matches(String customId, String needle) {
        return SearchText.contains(customId, needle);
    }

    // ------------------------------------------------------------------ input files

    static Stream<FileContentItem> templates(TemplateFile file, long offset, String search) throws IOException {
        String needle = needle(search);
        TemplateFile.Cursor cursor;
        try {
            cursor = file.cursor(needle == null ? offset : 0);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        return new Source<FileContentItem>(cursor, file) {
            private long skip = needle == null ? 0 : offset;

            @Override
            protected FileContentItem compute() throws IOException {
                while (true) {
                    long line = cursor.line();
                    RequestTemplateInput template = cursor.next();
                    if (template == null) {
                        return null;
                    }
                    if (!matches(template.customId(), needle)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    return new FileContentItem.TemplateLine(line, template);
                }
            }
        }.stream();
    }

    // ------------------------------------------------------------------ output and error files

    /** Results of a batch in (time, ordinal) order, as snapshot under the lock (with the table they came from). */
    record ResultList(StoreState state, BatchEntry batch, RequestTable table, long[] time, int[] ordinal, long[] offset,
                      int[] length, int size, long readableAfter) {
    }

    static Stream<FileContentItem> outputs(ResultList results, long offset, String search) {
        String needle = needle(search);
        return new Source<FileContentItem>() {
            private int next = needle == null ? (int) Math.min(offset, results.size()) : 0;
            private long skip = needle == null ? 0 : offset;

            @Override
            protected FileContentItem compute() throws IOException {
                while (next < results.size()) {
                    int i = next++;
                    ResultCodec.Completion c = ResultCodec.decodeCompletion(RequestViews.readResult(results.state(),
                            results.batch(), results.offset()[i], results.length()[i], results.readableAfter()));
                    if (!matches(c.customId(), needle)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    return new FileContentItem.OutputLine(DerivedIds.request(results.batch().id, results.ordinal()[i]),
                            c.customId(), c.status(), c.body());
                }
                return null;
            }
        }.stream();
    }

    static Stream<FileContentItem> errors(ResultList results, long offset, String search) {
        String needle = needle(search);
        RequestTable table = results.table();
        return new Source<FileContentItem>() {
            private int next = needle == null ? (int) Math.min(offset, results.size()) : 0;
            private long skip = needle == null ? 0 : offset;

            @Override
            protected FileContentItem compute() throws IOException {
                while (next < results.size()) {
                    int i = next++;
                    int ordinal = results.ordinal()[i];
                    String customId;
                    FailureReason reason;
                    if (results.offset()[i] == RequestTable.EXPIRED) {
                        customId = table.templates.readCustomId(ordinal);
                        reason = new FailureReason.BatchExpired();
                    } else {
                        ResultCodec.Failure f = ResultCodec.decodeFailure(RequestViews.readResult(results.state(),
                                results.batch(), results.offset()[i], results.length()[i], results.readableAfter()));
                        customId = f.customId();
                        reason = f.reason();
                    }
                    if (!matches(customId, needle)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    return new FileContentItem.ErrorLine(DerivedIds.request(results.batch().id, ordinal), customId, reason);
                }
                return null;
            }
        }.stream();
    }

    // ------------------------------------------------------------------ merged views of a batch

    static Stream<BatchResultItem> batchResults(StoreState state, BatchEntry batch, RequestTable table, long offset,
                                                String search, ResultStatus status) throws IOException {
        String needle = needle(search);
        boolean filtered = needle != null || status != null;
        long start = filtered ? 0 : Math.min(offset, table.templateCount);
        TemplateFile.Cursor cursor = table.templates.cursor(start);
        return new Source<BatchResultItem>(cursor) {
            private long skip = filtered ? offset : 0;
            private final List<RequestViews.Slot> chunk = new ArrayList<>();
            private int position;

            @Override
            protected BatchResultItem compute() throws IOException {
                while (true) {
                    long line = cursor.line();
                    if (line >= table.templateCount) {
                        return null;
                    }
                    RequestViews.Slot slot = slotFor((int) line);
                    RequestTemplateInput template = cursor.next();
                    if (template == null) {
                        return null;
                    }
                    ResultStatus rowStatus = statusOf(slot, batch);
                    if (status != null && rowStatus != status) {
                        continue;
                    }
                    if (!matches(template.customId(), needle)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    Integer statusCode = null;
                    String responseBody = null;
                    FailureReason error = null;
                    if (slot.kind() == dev.salvo.core.batch.RequestStateKind.COMPLETED) {
                        ResultCodec.Completion c = RequestViews.completion(state, slot);
                        statusCode = c.status();
                        responseBody = c.body();
                    } else if (slot.kind() == dev.salvo.core.batch.RequestStateKind.FAILED) {
                        error = slot.resultOffset() == RequestTable.EXPIRED ? new FailureReason.BatchExpired()
                                : RequestViews.failure(state, slot).reason();
                    }
                    return new BatchResultItem(slot.id(), line, template.customId(), slot.model(), template.body(),
                            statusCode, responseBody, error, rowStatus);
                }
            }

            /** The request shown for a line: the original, or the escalated copy that won the race. */
            private RequestViews.Slot slotFor(int line) {
                if (position >= chunk.size() || chunk.get(position).line() != line) {
                    chunk.clear();
                    position = 0;
                    state.lock.lock();
                    try {
                        int end = (int) Math.min(table.templateCount, (long) line + CHUNK);
                        for (int ordinal = line; ordinal < end; ordinal++) {
                            int shown = ordinal;
                            int twin = table.twin(ordinal);
                            if (table.kindCode(ordinal) == RequestTable.SUPERSEDED && twin >= 0
                                    && table.kindCode(twin) == RequestTable.COMPLETED) {
                                shown = twin;
                            }
                            chunk.add(RequestViews.slot(state, batch, table, shown));
                        }
                    } finally {
                        state.lock.unlock();
                    }
                }
                return chunk.get(position++);
            }
        }.stream();
    }

    /** A cancelled batch's unfinished requests read canceled, as its counts do (they are only marked so lazily). */
    static ResultStatus statusOf(RequestViews.Slot slot, BatchEntry batch) {
        boolean cancelled = batch.cancelling() || batch.cancelledAt != Nanos.NONE;
        return switch (slot.kind()) {
            case PENDING -> cancelled ? ResultStatus.CANCELED : ResultStatus.PENDING;
            case CLAIMED, PROCESSING -> cancelled ? ResultStatus.CANCELED : ResultStatus.IN_PROGRESS;
            case COMPLETED, SUPERSEDED -> ResultStatus.COMPLETED;
            case FAILED -> ResultStatus.FAILED;
            case CANCELED -> ResultStatus.CANCELED;
        };
    }

    static Stream<BatchRequest> batchRequests(StoreState state, BatchEntry batch, RequestTable table) throws IOException {
        TemplateFile.Cursor cursor = table.templates.cursor(0);
        return new Source<BatchRequest>(cursor) {
            private final List<RequestViews.Slot> chunk = new ArrayList<>();
            private int position;
            private RequestTemplateInput template;

            @Override
            protected BatchRequest compute() throws IOException {
                if (position >= chunk.size()) {
                    long line = cursor.line();
                    if (line >= table.templateCount) {
                        return null;
                    }
                    fill((int) line);
                }
                RequestViews.Slot slot = chunk.get(position++);
                if (!slot.copy()) {
                    template = cursor.next();
                    if (template == null) {
                        throw new IOException("templates end before line " + slot.line());
                    }
                }
                return RequestViews.request(state, slot, template);
            }

            /** The next lines' requests, each original followed by its escalated copy if it has one. */
            private void fill(int line) {
                chunk.clear();
                position = 0;
                state.lock.lock();
                try {
                    int end = (int) Math.min(table.templateCount, (long) line + CHUNK);
                    for (int ordinal = line; ordinal < end; ordinal++) {
                        chunk.add(RequestViews.slot(state, batch, table, ordinal));
                        int copy = table.twin(ordinal);
                        if (copy >= 0) {
                            chunk.add(RequestViews.slot(state, batch, table, copy));
                        }
                    }
                } finally {
                    state.lock.unlock();
                }
            }
        }.stream();
    }

    // ------------------------------------------------------------------ plumbing

    /** An iterator computing one item ahead, closing its resources with the stream. */
    abstract static class Source<T> implements Iterator<T> {
        private final Closeable[] resources;
        private T next;
        private boolean done;

        Source(Closeable... resources) {
            this.resources = resources;
        }

        /** The next item, or null at the end. */
        protected abstract T compute() throws IOException;

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    next = compute();
                } catch (IOException e) {
                    throw new BatchStorageException.Backend("cannot read batch data: " + e.getMessage(), e);
                }
                if (next == null) {
                    done = true;
                    close();
                }
            }
            return next != null;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            T item = next;
            next = null;
            return item;
        }

        void close() {
            done = true;
            IOException failure = null;
            for (Closeable resource : resources) {
                try {
                    resource.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw new BatchStorageException.Backend("cannot close a batch data stream: " + failure.getMessage(), failure);
            }
        }

        Stream<T> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
                    false).onClose(this::close);
        }
    }
}
