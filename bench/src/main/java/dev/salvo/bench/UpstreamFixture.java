package dev.salvo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The bench's loopback upstream, either in this JVM or in a child JVM (so that its CPU shows up as a
 * separate process, and the measured JVM holds only the daemon's path).
 */
final class UpstreamFixture implements AutoCloseable {

    private final URI baseUrl;
    private final AutoCloseable stop;

    private UpstreamFixture(URI baseUrl, AutoCloseable stop) {
        this.baseUrl = baseUrl;
        this.stop = stop;
    }

    URI baseUrl() {
        return baseUrl;
    }

    static UpstreamFixture start(Duration latency, boolean separateProcess) throws IOException {
        if (!separateProcess) {
            DelayedUpstream upstream = new DelayedUpstream(latency);
            return new UpstreamFixture(upstream.baseUrl(), upstream);
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                DelayedUpstream.class.getName(), Long.toString(latency.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            child.destroy();
            throw new IOException("the upstream process ended before printing its address");
        }
        return new UpstreamFixture(URI.create(line.strip()), () -> {
            child.getOutputStream().close(); // its main loop ends when standard input closes
            if (!child.waitFor(5, TimeUnit.SECONDS)) {
                child.destroy();
            }
        });
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }
}
