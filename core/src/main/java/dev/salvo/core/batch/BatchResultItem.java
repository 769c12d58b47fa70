package dev.salvo.core.batch;

/**
 * One row of a batch's merged results view: the input template and where its request stands. Exactly
 * one row per template, whichever of an escalated pair produced the result.
 *
 * @param responseBody  the upstream body when completed, else null
 * @param error         the failure when failed, else null
 */
public record BatchResultItem(RequestId requestId, long lineNumber, String customId, String model, String inputBody,
                              Integer statusCode, String responseBody, FailureReason error, ResultStatus status) {
}
