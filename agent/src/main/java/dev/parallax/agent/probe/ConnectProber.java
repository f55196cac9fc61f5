package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortVerdict;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP connect probe engine: non-blocking connects spread over one or more {@link SelectorLoop}s (one
 * per core by default), at most {@code maxInFlight} sockets open in all, one deadline per probe. Every
 * probe ends in a {@link PortVerdict}; nothing is thrown to the caller for what the network or the local
 * host did. {@link #probe} may be called from any thread.
 */
public final class ConnectProber implements Prober, AutoCloseable {

    private static final Duration NO_BUDGET = Duration.ofDays(1);
    /** Linux sends a SYN again 1 s, 3 s, 7 s, 15 s and 31 s after the first (initial RTO 1 s, doubling). */
    private static final long[] SYN_RETRANSMITS_MILLIS = {1_000, 3_000, 7_000, 15_000, 31_000};
    /** How far below a retransmit a deadline that would coincide with it is pulled. */
    private static final long RETRANSMIT_MARGIN_MILLIS = 25;

    private final SelectorLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();

    /** One selector thread per core, never more threads than sockets. */
    public ConnectProber(int maxInFlight) {
        this(maxInFlight, Runtime.getRuntime().availableProcessors());
    }

    public ConnectProber(int maxInFlight, int selectorThreads) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        int threads = Math.max(1, Math.min(selectorThreads, maxInFlight));
        loops = new SelectorLoop[threads];
        for (int i = 0; i < threads; i++) {
            // The in-flight bound is shared out so that the loops together never exceed it.
            int share = maxInFlight / threads + (i < maxInFlight % threads ? 1 : 0);
            loops[i] = new SelectorLoop("connect-prober-" + i, share);
        }
    }

    /** {@link #probe(List, Duration, Duration)} with no budget beyond each probe's own timeout. */
    public CompletableFuture<List<PortVerdict>> probe(List<InetSocketAddress> targets, Duration timeout) {
        return probe(targets, timeout, NO_BUDGET);
    }

    /**
     * Probes every target with a TCP connect; the future completes with one verdict per target, in the
     * order given. Each probe waits at most {@code timeout}, and the whole batch ends at the latest
     * {@code budget} after this call: a probe still queued then is not started and ends as ERROR, because
     * it was our capacity, not the target, that ran out. The future fails with {@link ProberClosedException}
     * if the prober closes first.
     */
    @Override
    public CompletableFuture<List<PortVerdict>> probe(List<InetSocketAddress> targets, Duration timeout,
                                                      Duration budget) {
        ProbeBatch batch = new ProbeBatch(targets, effectiveTimeout(timeout).toNanos(),
                System.nanoTime() + Math.min(budget.toNanos(), NO_BUDGET.toNanos()));
        if (targets.isEmpty()) {
            return batch.result;
        }
        int loopCount = Math.min(loops.length, targets.size());
        int first = Math.floorMod(nextLoop.getAndIncrement(), loops.length);
        for (int slice = 0; slice < loopCount; slice++) {
            List<Integer> indices = new ArrayList<>();
            for (int index = slice; index < targets.size(); index += loopCount) {
                indices.add(index);
            }
            SelectorLoop loop = loops[(first + slice) % loops.length];
            if (!loop.submit(new SelectorLoop.Slice(batch, indices.stream().mapToInt(Integer::intValue).toArray()))) {
                batch.fail(new ProberClosedException());
            }
        }
        return batch.result;
    }

    /**
     * A deadline on (or just past) one of the kernel's SYN retransmits would pay for one more SYN and wait
     * for nothing: pulled just below it, a 1 s timeout costs a filtered port one SYN, not two.
     */
    static Duration effectiveTimeout(Duration timeout) {
        long millis = timeout.toMillis();
        for (long retransmit : SYN_RETRANSMITS_MILLIS) {
            if (millis >= retransmit && millis < retransmit + RETRANSMIT_MARGIN_MILLIS) {
                return Duration.ofMillis(retransmit - RETRANSMIT_MARGIN_MILLIS);
            }
        }
        return timeout;
    }

    /** Sockets connecting now, across every selector loop. */
    public int inFlight() {
        int sum = 0;
        for (SelectorLoop loop : loops) {
            sum += loop.inFlight();
        }
        return sum;
    }

    /** True while every selector loop runs: a loop whose thread died would leave its probes unanswered. */
    public boolean running() {
        for (SelectorLoop loop : loops) {
            if (!loop.running()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (SelectorLoop loop : loops) {
            loop.close();
        }
    }
}
