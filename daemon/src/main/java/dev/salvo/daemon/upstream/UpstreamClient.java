package dev.salvo.daemon.upstream;

/**
 * Port: makes one upstream call. Blocking (callers run on virtual threads); interrupting the calling
 * thread aborts the call. Never throws for an HTTP status: classification is the daemon's job.
 */
public interface UpstreamClient {

    UpstreamResponse send(UpstreamRequest request) throws UpstreamException, InterruptedException;
}
