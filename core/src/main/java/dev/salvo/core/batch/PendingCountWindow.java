package dev.salvo.core.batch;

import java.time.Duration;
import java.util.Objects;

/** A demand bucket: requests whose batch deadline falls within {@code within} from now (cumulative). */
public record PendingCountWindow(String label, Duration within) {

    public PendingCountWindow {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(within, "within");
    }
}
