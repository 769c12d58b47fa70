package dev.salvo.core.batch;

/** Per model in one file: how many templates and how many body bytes, computed without reading bodies. */
public record ModelTemplateStats(String model, long requestCount, long totalBodyBytes) {
}
