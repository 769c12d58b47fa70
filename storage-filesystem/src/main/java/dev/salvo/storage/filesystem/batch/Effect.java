package dev.salvo.storage.filesystem.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.salvo.core.batch.FileId;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.RequestStateKind;
import dev.salvo.core.daemon.DaemonId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One change to a batch, as recorded in its {@code requests.log}. Every change the store makes is a
 * list of effects written as one framed line — so a persist that also supersedes a twin and finalizes
 * the batch is all-or-nothing after a crash — and applied to memory by the same code on the live path
 * and on replay ({@link BatchEntry#apply}). Effects that touch "all requests in some state" (expiry,
 * retry of a whole batch) are recorded as the rule, not the list: replay reaches the same state at the
 * same point, so it selects the same requests.
 *
 * <p>Requests are named by ordinal: 0..n-1 are the templates' requests in line order, n.. the escalated
 * copies in creation order (see {@link DerivedIds} for how the ordinal is part of the request id).
 */
sealed interface Effect {

    /** The batch's requests were created: one pending request per template. */
    record Populate(long at, FileId file, int count, List<String> models) implements Effect {
    }

    record Claim(long at, DaemonId daemon, int[] ordinals) implements Effect {
    }

    /** A state written through persist, reschedule or release, with every field of the new state. */
    record Write(int ordinal, StateWrite state) implements Effect {
    }

    /** The racing twin {@code by} completed first. */
    record Supersede(int ordinal, long at, int by) implements Effect {
    }

    record Cancel(long at, int[] ordinals) implements Effect {
    }

    /** Back to pending with no delay: stale-claim recovery (attempt kept) or an explicit retry (attempt 0). */
    record Reset(int[] ordinals, boolean zeroAttempt) implements Effect {
    }

    /** Every failed original back to pending with attempt 0. */
    record RetryAllFailed() implements Effect {
    }

    /** Unfinished originals fail with {@code batch_expired}, unfinished copies are canceled, the batch expires. */
    record Expire(long at) implements Effect {
    }

    /** Pending copies racing {@code originals}, routed to {@code model}, with {@code apiKey} (null = the original's). */
    record Escalate(int[] originals, String model, String apiKey) implements Effect {
    }

    record Stamp(StampField field, long at) implements Effect {
    }

    /** Clears the completion stamps so a batch with retried requests finalizes (and notifies) again. */
    record Reopen() implements Effect {
    }

    record MarkFailed(long at, String message) implements Effect {
    }

    /** The batch loses its link to its input, output or error file (that file was deleted). */
    record Unlink(Link link) implements Effect {
    }

    record Deleted(long at) implements Effect {
    }

    enum StampField { FINALIZING, COMPLETED, CANCELLING, CANCELLED, NOTIFIED }

    enum Link { INPUT, OUTPUT, ERROR }

    /**
     * A request state as stored: {@code at} is the time of the terminal state, {@code result} points at
     * its result record in the same log (offset, length) and {@code size} is what the state adds to its
     * virtual file.
     */
    record StateWrite(RequestStateKind kind, int attempt, long notBefore, DaemonId daemon, long claimedAt,
                      long startedAt, long at, long resultOffset, int resultLength, long size, RequestId supersededBy) {
    }

    // ------------------------------------------------------------------ codec

    static byte[] encode(List<Effect> effects) {
        return Framing.frame(Json.compact(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("fx");
            for (Effect effect : effects) {
                g.writeStartObject();
                write(g, effect);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private static void write(JsonGenerator g, Effect effect) throws IOException {
        switch (effect) {
            case Populate p -> {
                g.writeStringField("type", "populate");
                Json.instant(g, "at", p.at());
                g.writeStringField("file", p.file().toString());
                g.writeNumberField("count", p.count());
                g.writeArrayFieldStart("models");
                for (String model : p.models()) {
                    g.writeString(model);
                }
                g.writeEndArray();
            }
            case Claim c -> {
                g.writeStringField("type", "claim");
                Json.instant(g, "at", c.at());
                g.writeStringField("daemon", c.daemon().toString());
                ordinals(g, c.ordinals());
            }
            case Write w -> {
                g.writeStringField("type", "state");
                g.writeNumberField("req", w.ordinal());
                StateWrite s = w.state();
                g.writeStringField("kind", s.kind().wire());
                g.writeNumberField("attempt", s.attempt());
                Json.instant(g, "not_before", s.notBefore());
                if (s.daemon() != null) {
                    g.writeStringField("daemon", s.daemon().toString());
                }
                Json.instant(g, "claimed_at", s.claimedAt());
                Json.instant(g, "started_at", s.startedAt());
                Json.instant(g, "at", s.at());
                if (s.resultOffset() >= 0) {
                    g.writeArrayFieldStart("result");
                    g.writeNumber(s.resultOffset());
                    g.writeNumber(s.resultLength());
                    g.writeEndArray();
                    g.writeNumberField("size", s.size());
                }
                if (s.supersededBy() != null) {
                    g.writeStringField("by", s.supersededBy().toString());
                }
            }
            case Supersede s -> {
                g.writeStringField("type", "supersede");
                g.writeNumberField("req", s.ordinal());
                Json.instant(g, "at", s.at());
                g.writeNumberField("by_req", s.by());
            }
            case Cancel c -> {
                g.writeStringField("type", "cancel");
                Json.instant(g, "at", c.at());
                ordinals(g, c.ordinals());
            }
            case Reset r -> {
                g.writeStringField("type", r.zeroAttempt() ? "retry" : "reclaim");
                ordinals(g, r.ordinals());
            }
            case RetryAllFailed r -> g.writeStringField("type", "retry_all_failed");
            case Expire e -> {
                g.writeStringField("type", "expire");
                Json.instant(g, "at", e.at());
            }
            case Escalate e -> {
                g.writeStringField("type", "escalate");
                g.writeStringField("model", e.model());
                Json.nullableString(g, "api_key", e.apiKey());
                g.writeArrayFieldStart("originals");
                for (int ordinal : e.originals()) {
                    g.writeNumber(ordinal);
                }
                g.writeEndArray();
            }
            case Stamp s -> {
                g.writeStringField("type", "stamp");
                g.writeStringField("field", s.field().name().toLowerCase(Locale.ROOT) + "_at");
                Json.instant(g, "at", s.at());
            }
            case Reopen r -> g.writeStringField("type", "reopen");
            case MarkFailed f -> {
                g.writeStringField("type", "batch_failed");
                Json.instant(g, "at", f.at());
                Json.nullableString(g, "message", f.message());
            }
            case Unlink u -> {
                g.writeStringField("type", "unlink");
                g.writeStringField("link", u.link().name().toLowerCase(Locale.ROOT));
            }
            case Deleted d -> {
                g.writeStringField("type", "deleted");
                Json.instant(g, "at", d.at());
            }
        }
    }

    private static void ordinals(JsonGenerator g, int[] ordinals) throws IOException {
        g.writeArrayFieldStart("reqs");
        for (int ordinal : ordinals) {
            g.writeNumber(ordinal);
        }
        g.writeEndArray();
    }

    static List<Effect> decode(byte[] json, int offset, int length) throws IOException {
        JsonNode root = Json.MAPPER.readTree(json, offset, length);
        JsonNode array = root == null ? null : root.get("fx");
        if (array == null || !array.isArray()) {
            throw new IOException("a log record lacks its effects");
        }
        List<Effect> effects = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            effects.add(read(node));
        }
        return effects;
    }

    private static Effect read(JsonNode n) throws IOException {
        String type = Json.text(n, "type");
        return switch (type) {
            case "populate" -> {
                List<String> models = new ArrayList<>();
                JsonNode array = n.get("models");
                if (array == null || !array.isArray()) {
                    throw new IOException("'models' must be an array");
                }
                for (JsonNode m : array) {
                    models.add(m.textValue());
                }
                FileId file;
                try {
                    file = FileId.parse(Json.text(n, "file"));
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
                yield new Populate(Json.instant(n, "at"), file, Json.integer(n, "count"), models);
            }
            case "claim" -> new Claim(Json.instant(n, "at"), new DaemonId(Json.uuid(n, "daemon")), ordinals(n, "reqs"));
            case "state" -> {
                JsonNode result = n.get("result");
                long offset = -1;
                int length = 0;
                if (result != null) {
                    if (!result.isArray() || result.size() != 2) {
                        throw new IOException("'result' must be [offset, length]");
                    }
                    offset = result.get(0).longValue();
                    length = result.get(1).intValue();
                }
                UUID daemon = Json.uuid(n, "daemon");
                UUID by = Json.uuid(n, "by");
                yield new Write(Json.integer(n, "req"), new StateWrite(RequestStateKind.parse(Json.text(n, "kind")),
                        Json.integer(n, "attempt"), Json.instant(n, "not_before"), daemon == null ? null : new DaemonId(daemon),
                        Json.instant(n, "claimed_at"), Json.instant(n, "started_at"), Json.instant(n, "at"), offset, length,
                        result == null ? 0 : Json.number(n, "size"), by == null ? null : new RequestId(by)));
            }
            case "supersede" -> new Supersede(Json.integer(n, "req"), Json.instant(n, "at"), Json.integer(n, "by_req"));
            case "cancel" -> new Cancel(Json.instant(n, "at"), ordinals(n, "reqs"));
            case "retry" -> new Reset(ordinals(n, "reqs"), true);
            case "reclaim" -> new Reset(ordinals(n, "reqs"), false);
            case "retry_all_failed" -> new RetryAllFailed();
            case "expire" -> new Expire(Json.instant(n, "at"));
            case "escalate" -> new Escalate(ordinals(n, "originals"), Json.text(n, "model"), Json.optionalText(n, "api_key"));
            case "stamp" -> {
                String field = Json.text(n, "field");
                StampField stamp = null;
                for (StampField candidate : StampField.values()) {
                    if ((candidate.name().toLowerCase(Locale.ROOT) + "_at").equals(field)) {
                        stamp = candidate;
                    }
                }
                if (stamp == null) {
                    throw new IOException("unknown stamp '" + field + "'");
                }
                yield new Stamp(stamp, Json.instant(n, "at"));
            }
            case "reopen" -> new Reopen();
            case "batch_failed" -> new MarkFailed(Json.instant(n, "at"), Json.optionalText(n, "message"));
            case "unlink" -> new Unlink(Link.valueOf(Json.text(n, "link").toUpperCase(Locale.ROOT)));
            case "deleted" -> new Deleted(Json.instant(n, "at"));
            default -> throw new IOException("unknown effect type '" + type + "'");
        };
    }

    private static int[] ordinals(JsonNode n, String field) throws IOException {
        JsonNode array = n.get(field);
        if (array == null || !array.isArray()) {
            throw new IOException("'" + field + "' must be an array of request numbers");
        }
        int[] ordinals = new int[array.size()];
        for (int i = 0; i < ordinals.length; i++) {
            JsonNode value = array.get(i);
            if (!value.canConvertToInt()) {
                throw new IOException("'" + field + "' must hold request numbers");
            }
            ordinals[i] = value.intValue();
        }
        return ordinals;
    }
}
