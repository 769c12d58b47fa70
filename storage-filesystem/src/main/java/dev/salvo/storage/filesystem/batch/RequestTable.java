package dev.salvo.storage.filesystem.batch;

import dev.salvo.core.batch.FailureReason;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The requests of one populated batch, as parallel primitive arrays indexed by ordinal (templates'
 * requests 0..n-1 in line order, escalated copies after them). About 85 bytes per request — kind,
 * attempt, four timestamps, daemon number, result pointer and size, plus the template's offset, model
 * and queue position — and no object per request, so a million requests cost ~85 MB and no body is
 * ever held.
 *
 * <p>Counters (per kind for originals and copies, per model, in-flight set, virtual file sizes) are kept
 * up to date by every transition, so counts, claims and stale-claim sweeps never scan all requests.
 * Not thread-safe: guarded by the store's lock.
 */
final class RequestTable {

    static final byte PENDING = (byte) RequestStateKind.PENDING.ordinal();
    static final byte CLAIMED = (byte) RequestStateKind.CLAIMED.ordinal();
    static final byte PROCESSING = (byte) RequestStateKind.PROCESSING.ordinal();
    static final byte COMPLETED = (byte) RequestStateKind.COMPLETED.ordinal();
    static final byte FAILED = (byte) RequestStateKind.FAILED.ordinal();
    static final byte CANCELED = (byte) RequestStateKind.CANCELED.ordinal();
    static final byte SUPERSEDED = (byte) RequestStateKind.SUPERSEDED.ordinal();
    static final int KINDS = RequestStateKind.values().length;

    /** {@code resultOffset} of a request with no result record. */
    static final long NO_RESULT = -1;
    /** {@code resultOffset} of a request failed by batch expiry: the reason is implied, no record written. */
    static final long EXPIRED = -2;
    static final long EXPIRED_SIZE = TemplateCodec.utf8Length(new FailureReason.BatchExpired().message());

    private static final RequestStateKind[] KIND_VALUES = RequestStateKind.values();

    final int templateCount;
    final TemplateFile templates;
    private final int[] templateModel;
    private int size;

    private byte[] kind;
    private int[] attempt;
    private long[] notBefore;
    private int[] daemon;
    private long[] claimedAt;
    private long[] startedAt;
    private long[] terminalAt;
    private long[] resultOffset;
    private int[] resultLength;
    private long[] resultSize;

    private int[] copyOf;
    private int copies;
    private int[] copyOriginal = new int[0];
    private int[] copyModel = new int[0];
    private String[] copyApiKey = new String[0];
    private final Map<Integer, RequestId> foreignSupersededBy = new HashMap<>();
    /**
     * Custom ids of claimed requests, learnt when the claim read their templates, so that persisting
     * their result (whose record carries the custom id) needs no second template read. Forgotten when
     * the request becomes terminal; bounded by what is in flight.
     */
    private final Map<Integer, String> claimedCustomIds = new HashMap<>();

    private final long[] originalKinds = new long[KINDS];
    private final long[] copyKinds = new long[KINDS];
    private final Map<Integer, ModelQueue> queues = new HashMap<>();
    private final BitSet inFlight = new BitSet();
    /** Originals that are terminal while their escalated copy still races: their template is not finished. */
    private long awaitingCopy;
    private long outputLines;
    private long outputBytes;
    private long errorLines;
    private long errorBytes;

    /** @param templateModel the store-wide model number of every template line */
    RequestTable(TemplateFile templates, int[] templateModel) {
        this.templates = templates;
        this.templateModel = templateModel;
        this.templateCount = templateModel.length;
        this.size = templateCount;
        kind = new byte[size];
        attempt = new int[size];
        notBefore = filled(size);
        daemon = new int[size];
        Arrays.fill(daemon, -1);
        claimedAt = filled(size);
        startedAt = filled(size);
        terminalAt = filled(size);
        resultOffset = new long[size];
        Arrays.fill(resultOffset, NO_RESULT);
        resultLength = new int[size];
        resultSize = new long[size];
        originalKinds[PENDING] = size;
        int[] perModel = new int[0];
        for (int model : templateModel) {
            if (model >= perModel.length) {
                perModel = Arrays.copyOf(perModel, Math.max(model + 1, perModel.length * 2));
            }
            perModel[model]++;
        }
        for (int model = 0; model < perModel.length; model++) {
            if (perModel[model] > 0) {
                queues.put(model, new ModelQueue(perModel[model]));
            }
        }
        for (int ordinal = 0; ordinal < size; ordinal++) {
            ModelQueue queue = queues.get(templateModel[ordinal]);
            queue.add(ordinal);
            queue.kinds[PENDING]++;
        }
    }

    private static long[] filled(int length) {
        long[] array = new long[length];
        Arrays.fill(array, Nanos.NONE);
        return array;
    }

    // ------------------------------------------------------------------ reading

    int size() {
        return size;
    }

    boolean contains(long ordinal) {
        return ordinal >= 0 && ordinal < size;
    }

    byte kindCode(int ordinal) {
        return kind[ordinal];
    }

    RequestStateKind kind(int ordinal) {
        return KIND_VALUES[kind[ordinal]];
    }

    boolean isCopy(int ordinal) {
        return ordinal >= templateCount;
    }

    /** The template line a request executes. */
    int line(int ordinal) {
        return isCopy(ordinal) ? copyOriginal[ordinal - templateCount] : ordinal;
    }

    int model(int ordinal) {
        return isCopy(ordinal) ? copyModel[ordinal - templateCount] : templateModel[ordinal];
    }

    /** The copy's API key override, or null. */
    String copyApiKey(int ordinal) {
        return isCopy(ordinal) ? copyApiKey[ordinal - templateCount] : null;
    }

    /** The other request of a racing pair, or -1. */
    int twin(int ordinal) {
        if (isCopy(ordinal)) {
            return copyOriginal[ordinal - templateCount];
        }
        return copyOf == null ? -1 : copyOf[ordinal];
    }

    int attempt(int ordinal) {
        return attempt[ordinal];
    }

    long notBefore(int ordinal) {
        return notBefore[ordinal];
    }

    int daemon(int ordinal) {
        return daemon[ordinal];
    }

    long claimedAt(int ordinal) {
        return claimedAt[ordinal];
    }

    long startedAt(int ordinal) {
        return startedAt[ordinal];
    }

    long terminalAt(int ordinal) {
        return terminalAt[ordinal];
    }

    long resultOffset(int ordinal) {
        return resultOffset[ordinal];
    }

    int resultLength(int ordinal) {
        return resultLength[ordinal];
    }

    /** Who superseded a request; null unless superseded. */
    RequestId supersededBy(int ordinal, dev.salvo.core.batch.BatchId batch) {
        if (kind[ordinal] != SUPERSEDED) {
            return null;
        }
        RequestId foreign = foreignSupersededBy.get(ordinal);
        return foreign != null ? foreign : DerivedIds.request(batch, twin(ordinal));
    }

    long[] originalKinds() {
        return originalKinds.clone();
    }

    long[] copyKinds() {
        return copyKinds.clone();
    }

    int copies() {
        return copies;
    }

    long originalsTerminal() {
        return originalKinds[COMPLETED] + originalKinds[FAILED] + originalKinds[CANCELED] + originalKinds[SUPERSEDED];
    }

    /** Templates whose outcome is settled: the original is terminal and no copy of it is still racing. */
    long finishedTemplates() {
        return originalsTerminal() - awaitingCopy;
    }

    /** Originals that are terminal but whose escalated copy still races (see {@link #finishedTemplates}). */
    long awaitingCopy() {
        return awaitingCopy;
    }

    int inFlightCount() {
        return inFlight.cardinality();
    }

    long outputLines() {
        return outputLines;
    }

    long outputBytes() {
        return outputBytes;
    }

    long errorLines() {
        return errorLines;
    }

    long errorBytes() {
        return errorBytes;
    }

    /** Every model with requests in this batch (templates' and copies'), and per kind how many. */
    Map<Integer, long[]> modelKinds() {
        Map<Integer, long[]> result = new HashMap<>();
        queues.forEach((model, queue) -> result.put(model, queue.kinds.clone()));
        return result;
    }

    long pendingOf(int model) {
        ModelQueue queue = queues.get(model);
        return queue == null ? 0 : queue.kinds[PENDING];
    }

    /** Ordinals of {@code model} in request order (originals before their copies' positions). */
    void forEachOfModel(int model, IntConsumer action) {
        ModelQueue queue = queues.get(model);
        if (queue != null) {
            for (int i = 0; i < queue.size; i++) {
                action.accept(queue.ordinals[i]);
            }
        }
    }

    void forEachInFlight(IntConsumer action) {
        for (int i = inFlight.nextSetBit(0); i >= 0; i = inFlight.nextSetBit(i + 1)) {
            action.accept(i);
        }
    }

    /**
     * Picks up to {@code max} pending requests of {@code model} whose delay has passed, lowest ordinal
     * first, without changing them (the caller applies the claim). Requests found already taken are
     * skipped for good by moving the queue's cursor past them.
     */
    int selectPending(int model, int max, long now, IntConsumer out) {
        ModelQueue queue = queues.get(model);
        if (queue == null || queue.kinds[PENDING] == 0 || max <= 0) {
            return 0;
        }
        int selected = 0;
        boolean advance = true;
        for (int i = queue.cursor; i < queue.size && selected < max; i++) {
            int ordinal = queue.ordinals[i];
            if (kind[ordinal] == PENDING) {
                long delay = notBefore[ordinal];
                if (delay == Nanos.NONE || delay <= now) {
                    out.accept(ordinal);
                    selected++;
                    if (advance) {
                        queue.cursor = i + 1;
                    }
                } else {
                    advance = false;
                }
            } else if (advance) {
                queue.cursor = i + 1;
            }
        }
        return selected;
    }

    void rememberCustomId(int ordinal, String customId) {
        if (kind[ordinal] == CLAIMED || kind[ordinal] == PROCESSING) {
            claimedCustomIds.put(ordinal, customId);
        }
    }

    boolean knowsCustomId(int ordinal) {
        return claimedCustomIds.containsKey(ordinal);
    }

    String knownCustomId(int ordinal) {
        return claimedCustomIds.get(ordinal);
    }

    // ------------------------------------------------------------------ transitions

    void claim(int ordinal, int daemonNumber, long at) {
        leave(ordinal);
        daemon[ordinal] = daemonNumber;
        claimedAt[ordinal] = at;
        startedAt[ordinal] = Nanos.NONE;
        notBefore[ordinal] = Nanos.NONE;
        terminalAt[ordinal] = Nanos.NONE;
        clearResult(ordinal);
        enter(ordinal, CLAIMED);
    }

    void write(int ordinal, Effect.StateWrite state, int daemonNumber) {
        leave(ordinal);
        attempt[ordinal] = state.attempt();
        notBefore[ordinal] = state.notBefore();
        daemon[ordinal] = daemonNumber;
        claimedAt[ordinal] = state.claimedAt();
        startedAt[ordinal] = state.startedAt();
        terminalAt[ordinal] = state.at();
        resultOffset[ordinal] = state.resultOffset();
        resultLength[ordinal] = state.resultLength();
        resultSize[ordinal] = state.size();
        foreignSupersededBy.remove(ordinal);
        if (state.supersededBy() != null) {
            foreignSupersededBy.put(ordinal, state.supersededBy());
        }
        enter(ordinal, (byte) state.kind().ordinal());
    }

    void supersede(int ordinal, long at, int by) {
        leave(ordinal);
        daemon[ordinal] = -1;
        terminalAt[ordinal] = at;
        clearResult(ordinal);
        foreignSupersededBy.remove(ordinal);
        if (by != twin(ordinal)) {
            throw new IllegalStateException("request " + ordinal + " superseded by " + by + ", which is not its twin");
        }
        enter(ordinal, SUPERSEDED);
    }

    void cancel(int ordinal, long at) {
        leave(ordinal);
        daemon[ordinal] = -1;
        terminalAt[ordinal] = at;
        clearResult(ordinal);
        enter(ordinal, CANCELED);
    }

    void reset(int ordinal, boolean zeroAttempt) {
        leave(ordinal);
        if (zeroAttempt) {
            attempt[ordinal] = 0;
        }
        daemon[ordinal] = -1;
        notBefore[ordinal] = Nanos.NONE;
        claimedAt[ordinal] = Nanos.NONE;
        startedAt[ordinal] = Nanos.NONE;
        terminalAt[ordinal] = Nanos.NONE;
        clearResult(ordinal);
        enter(ordinal, PENDING);
    }

    int retryAllFailed() {
        int retried = 0;
        for (int ordinal = 0; ordinal < templateCount; ordinal++) {
            if (kind[ordinal] == FAILED) {
                reset(ordinal, true);
                retried++;
            }
        }
        return retried;
    }

    int countFailedOriginals() {
        return (int) originalKinds[FAILED];
    }

    /** Unfinished originals fail with {@code batch_expired}; unfinished copies are canceled. */
    void expire(long at) {
        for (int ordinal = 0; ordinal < size; ordinal++) {
            byte k = kind[ordinal];
            if (k != PENDING && k != CLAIMED && k != PROCESSING) {
                continue;
            }
            if (isCopy(ordinal)) {
                cancel(ordinal, at);
            } else {
                leave(ordinal);
                daemon[ordinal] = -1;
                notBefore[ordinal] = Nanos.NONE;
                terminalAt[ordinal] = at;
                resultOffset[ordinal] = EXPIRED;
                resultLength[ordinal] = 0;
                resultSize[ordinal] = EXPIRED_SIZE;
                enter(ordinal, FAILED);
            }
        }
    }

    /** Adds a pending copy racing {@code original}; returns its ordinal. */
    int addCopy(int original, int model, String apiKey) {
        if (isCopy(original) || twin(original) >= 0) {
            throw new IllegalStateException("request " + original + " cannot get another escalated copy");
        }
        int ordinal = size;
        ensureCapacity(size + 1);
        size++;
        if (copyOf == null) {
            copyOf = new int[templateCount];
            Arrays.fill(copyOf, -1);
        }
        copyOf[original] = ordinal;
        int index = copies++;
        if (index >= copyOriginal.length) {
            int capacity = Math.max(16, copyOriginal.length * 2);
            copyOriginal = Arrays.copyOf(copyOriginal, capacity);
            copyModel = Arrays.copyOf(copyModel, capacity);
            copyApiKey = Arrays.copyOf(copyApiKey, capacity);
        }
        copyOriginal[index] = original;
        copyModel[index] = model;
        copyApiKey[index] = apiKey;
        attempt[ordinal] = 0;
        daemon[ordinal] = -1;
        notBefore[ordinal] = Nanos.NONE;
        claimedAt[ordinal] = Nanos.NONE;
        startedAt[ordinal] = Nanos.NONE;
        terminalAt[ordinal] = Nanos.NONE;
        resultOffset[ordinal] = NO_RESULT;
        queues.computeIfAbsent(model, m -> new ModelQueue(16)).add(ordinal);
        kind[ordinal] = PENDING;
        copyKinds[PENDING]++;
        queues.get(model).kinds[PENDING]++;
        awaitingCopy += awaiting(ordinal);
        return ordinal;
    }

    private void clearResult(int ordinal) {
        resultOffset[ordinal] = NO_RESULT;
        resultLength[ordinal] = 0;
        resultSize[ordinal] = 0;
    }

    /** Removes a request's contribution to every counter; {@link #enter} adds the new one. */
    private void leave(int ordinal) {
        byte k = kind[ordinal];
        boolean copy = isCopy(ordinal);
        awaitingCopy -= awaiting(ordinal);
        (copy ? copyKinds : originalKinds)[k]--;
        queues.get(model(ordinal)).kinds[k]--;
        if (k == CLAIMED || k == PROCESSING) {
            inFlight.clear(ordinal);
        } else if (k == COMPLETED) {
            outputLines--;
            outputBytes -= resultSize[ordinal];
        } else if (k == FAILED && !copy) {
            errorLines--;
            errorBytes -= resultSize[ordinal];
        }
    }

    private void enter(int ordinal, byte k) {
        kind[ordinal] = k;
        boolean copy = isCopy(ordinal);
        awaitingCopy += awaiting(ordinal);
        (copy ? copyKinds : originalKinds)[k]++;
        ModelQueue queue = queues.get(model(ordinal));
        queue.kinds[k]++;
        if (k == CLAIMED || k == PROCESSING) {
            inFlight.set(ordinal);
        } else if (k == COMPLETED) {
            outputLines++;
            outputBytes += resultSize[ordinal];
        } else if (k == FAILED && !copy) {
            errorLines++;
            errorBytes += resultSize[ordinal];
        } else if (k == PENDING) {
            queue.reconsider(ordinal);
        }
        if (isTerminal(k)) {
            claimedCustomIds.remove(ordinal);
        }
    }

    /** 1 if the pair {@code ordinal} belongs to has a terminal original and a racing copy. */
    private int awaiting(int ordinal) {
        int twin = twin(ordinal);
        if (twin < 0) {
            return 0;
        }
        int original = isCopy(ordinal) ? twin : ordinal;
        int copy = isCopy(ordinal) ? ordinal : twin;
        return isTerminal(kind[original]) && !isTerminal(kind[copy]) ? 1 : 0;
    }

    private static boolean isTerminal(byte k) {
        return k == COMPLETED || k == FAILED || k == CANCELED || k == SUPERSEDED;
    }

    private void ensureCapacity(int needed) {
        if (needed <= kind.length) {
            return;
        }
        int capacity = Math.max(needed, kind.length + (kind.length >> 1) + 16);
        kind = Arrays.copyOf(kind, capacity);
        attempt = Arrays.copyOf(attempt, capacity);
        notBefore = Arrays.copyOf(notBefore, capacity);
        daemon = Arrays.copyOf(daemon, capacity);
        claimedAt = Arrays.copyOf(claimedAt, capacity);
        startedAt = Arrays.copyOf(startedAt, capacity);
        terminalAt = Arrays.copyOf(terminalAt, capacity);
        resultOffset = Arrays.copyOf(resultOffset, capacity);
        resultLength = Arrays.copyOf(resultLength, capacity);
        resultSize = Arrays.copyOf(resultSize, capacity);
    }

    /** Bytes held per request by the arrays of this table (for tests and operators). */
    long footprintBytes() {
        long perSlot = 1 + 4 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8;
        long perTemplate = 8 + 4 + 4; // offset (TemplateFile), model, position in its model's queue
        return (long) kind.length * perSlot + (long) templateCount * perTemplate
                + (copyOf == null ? 0 : 4L * templateCount) + (long) copyOriginal.length * (4 + 4 + 8);
    }

    /** One model's requests in ordinal order, and where the first possibly-pending one is. */
    private static final class ModelQueue {
        int[] ordinals;
        int size;
        int cursor;
        final long[] kinds = new long[KINDS];

        ModelQueue(int capacity) {
            ordinals = new int[Math.max(capacity, 1)];
        }

        void add(int ordinal) {
            if (size == ordinals.length) {
                ordinals = Arrays.copyOf(ordinals, size * 2);
            }
            ordinals[size++] = ordinal;
        }

        void reconsider(int ordinal) {
            if (cursor == 0) {
                return;
            }
            int index = Arrays.binarySearch(ordinals, 0, size, ordinal);
            if (index >= 0 && index < cursor) {
                cursor = index;
            }
        }
    }
}
