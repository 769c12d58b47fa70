package dev.salvo.core.daemon;

import java.util.Locale;

public enum DaemonStatus {
    INITIALIZING, RUNNING, DEAD;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
