package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortVerdict;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the job handler needs of a probe engine: the {@link ConnectProber}. An interface so that tests can put a
 * guard in front of it that refuses to send anything outside loopback, whatever the code under test does.
 */
public interface Prober {

    /**
     * Probes every target; the future completes with one verdict per target, in the order given, at the latest
     * {@code budget} after the call, and fails with {@link ProberClosedException} if the prober closes first.
     */
    CompletableFuture<List<PortVerdict>> probe(List<InetSocketAddress> targets, Duration timeout, Duration budget);
}
