package dev.salvo.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runnable {@code salvo.jar} started as a separate JVM, with everything it prints captured. */
final class SalvoProcess implements AutoCloseable {

    private final Process process;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SalvoProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static SalvoProcess start(Path workDir, Map<String, String> environment, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("salvo.jar"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new SalvoProcess(builder.start());
    }

    String output() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** Waits until the output matches; returns the first group, or null if the process ended first. */
    String await(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(output());
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            if (!process.isAlive()) {
                Thread.sleep(200);
                Matcher last = pattern.matcher(output());
                return last.find() ? (last.groupCount() > 0 ? last.group(1) : last.group()) : null;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no match for " + pattern + " within 60 s:\n" + output());
    }

    int waitForExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("process did not exit:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM: the shutdown hook runs. */
    void stop() throws InterruptedException {
        process.destroy();
        waitForExit();
    }

    /** SIGKILL: nothing runs, exactly like a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
