package dev.salvo.storage.filesystem.io;

import java.nio.file.Path;
import java.util.OptionalLong;

/** Another process, or another {@link DataDirectory} in this one, already owns the data directory. */
public final class DataDirectoryInUseException extends IllegalStateException {

    private final transient Path directory;
    private final transient OptionalLong ownerPid;

    private DataDirectoryInUseException(String message, Path directory, OptionalLong ownerPid) {
        super(message);
        this.directory = directory;
        this.ownerPid = ownerPid;
    }

    static DataDirectoryInUseException byAnotherProcess(Path directory, OptionalLong ownerPid) {
        return new DataDirectoryInUseException(message(directory, ownerPid), directory, ownerPid);
    }

    /** Same wording as for another process, which is what operators and callers match on, plus a hint. */
    static DataDirectoryInUseException byThisProcess(Path directory) {
        OptionalLong self = OptionalLong.of(ProcessHandle.current().pid());
        return new DataDirectoryInUseException(
                message(directory, self) + " (it is held by another instance inside this same process)", directory, self);
    }

    private static String message(Path directory, OptionalLong ownerPid) {
        String pid = ownerPid.isPresent() ? Long.toString(ownerPid.getAsLong()) : "unknown";
        return "data directory " + directory + " is in use by another Salvo process (pid " + pid
                + "); stop it or choose another --data-dir";
    }

    public Path directory() {
        return directory;
    }

    /** The owner's pid as recorded in the lock file; empty if it could not be read. */
    public OptionalLong ownerPid() {
        return ownerPid;
    }
}
