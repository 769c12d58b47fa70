package dev.salvo.storage.filesystem.io;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * What the lock file says about the process holding it, so that the next one to try can name it.
 * The content is for people and for that error message only: the operating-system lock decides ownership.
 */
record LockOwner(long pid, Instant startedAt) {

    private static final String PID_KEY = "pid=";
    private static final String STARTED_KEY = "started=";

    static LockOwner currentProcess() {
        ProcessHandle self = ProcessHandle.current();
        return new LockOwner(self.pid(), self.info().startInstant().orElseGet(Instant::now));
    }

    byte[] toFileContent() {
        return (PID_KEY + pid + "\n" + STARTED_KEY + startedAt + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The pid recorded in a lock file's content; empty if the holder has not written it yet or it is garbled. */
    static OptionalLong pidIn(String content) {
        for (String line : content.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith(PID_KEY)) {
                try {
                    return OptionalLong.of(Long.parseLong(trimmed.substring(PID_KEY.length())));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
