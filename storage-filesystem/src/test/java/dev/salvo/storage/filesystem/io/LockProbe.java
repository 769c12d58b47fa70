package dev.salvo.storage.filesystem.io;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link DataDirectoryProcessLockTest}: tries to open the data directory named
 * by its argument and reports the outcome through its exit code and standard output.
 */
public final class LockProbe {

    static final int OPENED = 0;
    static final int IN_USE = 3;

    private LockProbe() {
    }

    public static void main(String[] args) {
        try (DataDirectory directory = DataDirectory.open(Path.of(args[0]))) {
            System.out.println("opened " + directory.root());
            System.exit(OPENED);
        } catch (DataDirectoryInUseException e) {
            System.out.println(e.getMessage());
            System.exit(IN_USE);
        }
    }
}
