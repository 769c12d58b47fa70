package dev.salvo.daemon.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Racing-pair escalation: requests of {@code model} whose batch deadline is within {@code threshold}
 * get a copy sent to {@code escalationModel}; whichever finishes first wins, the other call is aborted.
 *
 * @param apiKey key for the copies; null = the original's
 */
public record RacingRule(String model, Duration threshold, String escalationModel, String apiKey) {

    public RacingRule {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(escalationModel, "escalationModel");
    }
}
