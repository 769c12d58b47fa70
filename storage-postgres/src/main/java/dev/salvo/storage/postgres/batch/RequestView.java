package dev.salvo.storage.postgres.batch;

import static dev.salvo.storage.postgres.jooq.Tables.BATCHES;
import static dev.salvo.storage.postgres.jooq.Tables.REQUESTS;
import static dev.salvo.storage.postgres.jooq.Tables.REQUEST_TEMPLATES;

import dev.salvo.core.batch.BatchId;
import dev.salvo.core.batch.BatchRequest;
import dev.salvo.core.batch.RequestData;
import dev.salvo.core.batch.RequestId;
import dev.salvo.core.batch.TemplateId;
import dev.salvo.storage.postgres.jooq.tables.Batches;
import dev.salvo.storage.postgres.jooq.tables.RequestTemplates;
import dev.salvo.storage.postgres.jooq.tables.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A request as the port returns it: its row, what it needs from its batch (deadline, owner, metadata,
 * key) and from its template (where and what to send). The template's values come from the request's
 * own copy once it has one (deleteFile makes it before templates may be purged), else from the
 * left-joined template.
 *
 * <p>Column names never clash in {@link #fields()} (template values are aliased), so the same list
 * works in a SELECT and in the claim's UPDATE … RETURNING.
 */
record RequestView(Requests r, Batches b, RequestTemplates t) {

    static final RequestView DEFAULT = new RequestView(REQUESTS, BATCHES, REQUEST_TEMPLATES);

    /** The upstream key to use: an escalated copy's own, else the batch's, else the template's. */
    Field<String> apiKey() {
        return DSL.coalesce(r.API_KEY_OVERRIDE, b.API_KEY, r.TEMPLATE_API_KEY, t.API_KEY).as("effective_api_key");
    }

    Field<String> endpoint() {
        return DSL.coalesce(r.ENDPOINT, t.ENDPOINT).as("effective_endpoint");
    }

    Field<String> method() {
        return DSL.coalesce(r.METHOD, t.METHOD).as("effective_method");
    }

    Field<String> path() {
        return DSL.coalesce(r.PATH, t.PATH).as("effective_path");
    }

    Field<String> body() {
        return DSL.coalesce(r.BODY, t.BODY).as("effective_body");
    }

    List<Field<?>> fields() {
        List<Field<?>> fields = new ArrayList<>(List.of(r.fields()));
        fields.removeAll(List.of(r.ENDPOINT, r.METHOD, r.PATH, r.BODY, r.TEMPLATE_API_KEY));
        fields.addAll(List.of(b.EXPIRES_AT, b.CREATED_BY, b.METADATA, endpoint(), method(), path(), body(), apiKey()));
        return fields;
    }

    /** requests ⋈ batches ⟕ request_templates. */
    Table<?> from() {
        return r.join(b).on(b.ID.eq(r.BATCH_ID)).leftJoin(t).on(t.ID.eq(r.TEMPLATE_ID));
    }

    BatchRequest request(Record row) {
        UUID templateId = row.get(r.TEMPLATE_ID);
        UUID escalatedFrom = row.get(r.ESCALATED_FROM);
        String body = row.get(body());
        RequestData data = new RequestData(
                new RequestId(row.get(r.ID)),
                new BatchId(row.get(r.BATCH_ID)),
                templateId == null ? null : new TemplateId(templateId),
                row.get(r.LINE_NUMBER),
                row.get(r.CUSTOM_ID),
                row.get(endpoint()),
                row.get(method()),
                row.get(path()),
                body == null ? "" : body,
                row.get(r.MODEL),
                row.get(apiKey()),
                row.get(b.CREATED_BY),
                row.get(b.EXPIRES_AT),
                escalatedFrom == null ? null : new RequestId(escalatedFrom),
                MetadataJson.decode(row.get(b.METADATA)));
        return new BatchRequest(data, RequestStates.read(row, r));
    }
}
