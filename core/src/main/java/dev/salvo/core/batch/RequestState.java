package dev.salvo.core.batch;

import dev.salvo.core.daemon.DaemonId;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a request stands. Transitions are methods that return the next state, so only legal moves
 * can be written; {@link PersistGuard} decides which writes a store applies when states race.
 *
 * <pre>
 * Pending --claim--> Claimed --start--> Processing --complete/fail--> Completed | Failed
 * Pending | Claimed | Processing --cancel--> Canceled      Claimed | Processing --release--> Pending
 * Failed --(explicit retry only)--> Pending                 racing twin --> Superseded
 * </pre>
 */
public sealed interface RequestState {

    RequestStateKind kind();

    /** Waiting to be claimed. {@code notBefore} delays a retry; {@code retryAttempt} 0 is the first try. */
    record Pending(int retryAttempt, Instant notBefore) implements RequestState {
        public Pending {
            if (retryAttempt < 0) {
                throw new IllegalArgumentException("retryAttempt must not be negative");
            }
        }

        public static Pending fresh() {
            return new Pending(0, null);
        }

        public RequestStateKind kind() {
            return RequestStateKind.PENDING;
        }

        public Claimed claim(DaemonId daemon, Instant now) {
            return new Claimed(daemon, now, retryAttempt);
        }

        public Canceled cancel(Instant now) {
            return new Canceled(now);
        }
    }

    record Claimed(DaemonId daemonId, Instant claimedAt, int retryAttempt) implements RequestState {
        public Claimed {
            Objects.requireNonNull(daemonId, "daemonId");
            Objects.requireNonNull(claimedAt, "claimedAt");
        }

        public RequestStateKind kind() {
            return RequestStateKind.CLAIMED;
        }

        public Processing start(Instant now) {
            return new Processing(daemonId, claimedAt, now, retryAttempt);
        }

        /** Gives the request back unstarted (graceful shutdown): no attempt was spent. */
        public Pending release() {
            return new Pending(retryAttempt, null);
        }

        public Canceled cancel(Instant now) {
            return new Canceled(now);
        }
    }

    record Processing(DaemonId daemonId, Instant claimedAt, Instant startedAt, int retryAttempt) implements RequestState {
        public Processing {
            Objects.requireNonNull(daemonId, "daemonId");
            Objects.requireNonNull(claimedAt, "claimedAt");
            Objects.requireNonNull(startedAt, "startedAt");
        }

        public RequestStateKind kind() {
            return RequestStateKind.PROCESSING;
        }

        public Completed complete(int responseStatus, String responseBody, String routedModel, Instant now) {
            return new Completed(responseStatus, responseBody, claimedAt, startedAt, now, routedModel);
        }

        public Failed fail(FailureReason reason, String routedModel, Instant now) {
            return new Failed(reason, now, retryAttempt, routedModel);
        }

        public Canceled cancel(Instant now) {
            return new Canceled(now);
        }

        /** Back to pending without spending an attempt (the worker stopped before a result). */
        public Pending release() {
            return new Pending(retryAttempt, null);
        }
    }

    record Completed(int responseStatus, String responseBody, Instant claimedAt, Instant startedAt, Instant completedAt,
                     String routedModel) implements RequestState {
        public Completed {
            Objects.requireNonNull(responseBody, "responseBody");
            Objects.requireNonNull(completedAt, "completedAt");
        }

        public RequestStateKind kind() {
            return RequestStateKind.COMPLETED;
        }
    }

    record Failed(FailureReason reason, Instant failedAt, int retryAttempt, String routedModel) implements RequestState {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(failedAt, "failedAt");
        }

        public RequestStateKind kind() {
            return RequestStateKind.FAILED;
        }
    }

    record Canceled(Instant canceledAt) implements RequestState {
        public Canceled {
            Objects.requireNonNull(canceledAt, "canceledAt");
        }

        public RequestStateKind kind() {
            return RequestStateKind.CANCELED;
        }
    }

    /** The losing twin of a racing escalation: its partner produced the template's result. */
    record Superseded(Instant supersededAt, RequestId supersededBy) implements RequestState {
        public Superseded {
            Objects.requireNonNull(supersededAt, "supersededAt");
            Objects.requireNonNull(supersededBy, "supersededBy");
        }

        public RequestStateKind kind() {
            return RequestStateKind.SUPERSEDED;
        }
    }
}
