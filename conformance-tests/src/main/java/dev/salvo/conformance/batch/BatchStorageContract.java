package dev.salvo.conformance.batch;

import dev.salvo.conformance.Capability;
import dev.salvo.conformance.MutableClock;
import dev.salvo.conformance.StoreContract;

/**
 * The contract every {@link dev.salvo.core.batch.BatchStorage} adapter must pass: files, batches, the request
 * state machine, claims, racing escalation and the finalizer, as docs/batch-storage.md describes them. An
 * adapter writes one subclass: {@link #newStore(MutableClock)} returns a fresh, empty backend as
 * {@link BatchStores} (both ports over one data set), {@link #capabilities()} declares what it promises, and
 * {@link #reopen} ({@link Capability#DURABLE}) and {@link #openAnother} ({@link Capability#MULTI_PROCESS})
 * open it again over the same data.
 *
 * <p>The tests live in one interface per section of {@code dev/salvo/conformance/batch/rules.tsv}
 * ({@code BS-1.x} files … {@code BS-12.x} several instances), each with default {@code @Test} methods over the
 * shared helpers of {@link BatchFixture}. Every state is reached through real port operations (upload, create,
 * claim, persist, cancel…), never by writing rows directly, so the suite runs unchanged against every backend.
 */
public abstract class BatchStorageContract extends StoreContract<BatchStores> implements
        FilesSection,
        BatchCreationSection,
        StatusAndCountsSection,
        ResultsSection,
        ClaimsSection,
        PersistSection,
        PerIdOperationsSection,
        EscalationSection,
        QueriesSection,
        CompletionSection,
        DurabilitySection,
        MultiProcessSection {
}
