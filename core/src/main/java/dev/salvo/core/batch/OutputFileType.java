package dev.salvo.core.batch;

/** Which of a batch's two virtual files an id names. */
public enum OutputFileType {
    OUTPUT, ERROR
}
