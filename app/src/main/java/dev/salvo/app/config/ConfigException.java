package dev.salvo.app.config;

/** A setting is missing or malformed; the message says which and how to fix it. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
