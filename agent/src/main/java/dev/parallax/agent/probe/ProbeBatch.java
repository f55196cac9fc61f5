package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortVerdict;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link ConnectProber#probe} call: its targets, shared limits, and a slot per verdict. Its probes may
 * run on several selector threads; each slot is written once, and the decrement that reaches zero
 * (a volatile read-modify-write) makes every slot visible to the thread that completes the result.
 */
final class ProbeBatch {

    final List<InetSocketAddress> targets;
    final long timeoutNanos;
    final long budgetEndNanos;
    final CompletableFuture<List<PortVerdict>> result = new CompletableFuture<>();
    private final PortVerdict[] verdicts;
    private final AtomicInteger remaining;

    ProbeBatch(List<InetSocketAddress> targets, long timeoutNanos, long budgetEndNanos) {
        this.targets = List.copyOf(targets);
        this.timeoutNanos = timeoutNanos;
        this.budgetEndNanos = budgetEndNanos;
        this.verdicts = new PortVerdict[this.targets.size()];
        this.remaining = new AtomicInteger(this.targets.size());
        if (this.targets.isEmpty()) {
            result.complete(List.of());
        }
    }

    /** MUST be called once per index. */
    void record(int index, PortVerdict verdict) {
        verdicts[index] = verdict;
        if (remaining.decrementAndGet() == 0) {
            result.complete(List.of(verdicts));
        }
    }

    void fail(Throwable failure) {
        result.completeExceptionally(failure);
    }
}
