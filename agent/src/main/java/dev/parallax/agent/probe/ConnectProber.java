package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The TCP connect probe engine: non-blocking connects on one selector thread, at most {@code maxInFlight}
 * sockets open at once, one deadline per probe. Every probe ends in a {@link PortVerdict}; nothing is
 * thrown to the caller for what the network or the local host did.
 *
 * <p>Threading: {@link #probe} may be called from any thread; all socket work happens on the selector
 * thread, which MUST NOT block on anything but {@link Selector#select(long)}.
 */
public final class ConnectProber implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConnectProber.class.getName());

    private static final Duration NO_BUDGET = Duration.ofDays(1);

    private final int maxInFlight;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Batch> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Owned by the selector thread only.
    private final ArrayDeque<Probe> waiting = new ArrayDeque<>();
    private final PriorityQueue<Probe> byDeadline =
            new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNanos, b.deadlineNanos));
    private int inFlight;

    public ConnectProber(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
        this.loop = Thread.ofPlatform().name("connect-prober").daemon().start(this::run);
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
    public CompletableFuture<List<PortVerdict>> probe(List<InetSocketAddress> targets, Duration timeout,
                                                      Duration budget) {
        Batch batch = new Batch(targets, timeout.toNanos(), System.nanoTime() + Math.min(budget.toNanos(),
                NO_BUDGET.toNanos()));
        if (targets.isEmpty()) {
            batch.result.complete(List.of());
            return batch.result;
        }
        submitted.add(batch);
        selector.wakeup();
        if (closed.get()) {
            // Closed while we enqueued: the loop may have drained the queue already.
            batch.result.completeExceptionally(new ProberClosedException());
        }
        return batch.result;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            selector.wakeup();
            try {
                loop.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (!closed.get()) {
                acceptSubmitted();
                startWaiting();
                long waitMillis = millisUntilNextDeadline();
                if (waitMillis == 0) {
                    selector.selectNow();
                } else {
                    selector.select(waitMillis);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    finishConnect((Probe) key.attachment());
                }
                selector.selectedKeys().clear();
                expireOverdue();
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "connect prober stopped", e);
        } finally {
            // Whatever ended the loop, no caller may wait forever: later probe() calls fail at once.
            closed.set(true);
            failEverything();
            try {
                selector.close();
            } catch (IOException ignored) {
                // Nothing left to release.
            }
        }
    }

    private void acceptSubmitted() {
        Batch batch;
        while ((batch = submitted.poll()) != null) {
            for (int i = 0; i < batch.targets.size(); i++) {
                waiting.add(new Probe(batch, i));
            }
        }
    }

    private void startWaiting() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            start(waiting.poll());
        }
    }

    private void start(Probe probe) {
        InetSocketAddress target = probe.target();
        probe.startNanos = System.nanoTime();
        if (probe.startNanos - probe.batch.budgetEndNanos >= 0) {
            probe.finish(PortVerdict.error(address(target), target.getPort(), 0,
                    "not probed: the job's time ran out before this probe could start"));
            return;
        }
        // The deadline is set before any I/O, so time spent opening the socket counts against the probe.
        probe.deadlineNanos = Math.min(probe.startNanos + probe.batch.timeoutNanos, probe.batch.budgetEndNanos);
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            // EMFILE and friends: a local shortage, not something the target did.
            probe.finish(PortVerdict.error(address(target), target.getPort(), 0, e.getMessage()));
            return;
        }
        probe.channel = channel;
        inFlight++;
        try {
            channel.configureBlocking(false);
            // SO_LINGER=0: close sends RST and leaves no TIME_WAIT, so probing one port hundreds of times a
            // second never runs out of ephemeral ports.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (channel.connect(target)) {
                connected(probe);
                return;
            }
            channel.register(selector, SelectionKey.OP_CONNECT, probe);
            byDeadline.add(probe);
        } catch (IOException | RuntimeException e) {
            end(probe, ConnectErrors.classify(e));
        }
    }

    private void finishConnect(Probe probe) {
        if (probe.done) {
            return;
        }
        try {
            if (probe.channel.finishConnect()) {
                connected(probe);
            }
        } catch (IOException | RuntimeException e) {
            end(probe, ConnectErrors.classify(e));
        }
    }

    private void connected(Probe probe) {
        Reason reason = Reason.SYN_ACK;
        try {
            if (probe.channel.getLocalAddress() instanceof InetSocketAddress local
                    && local.getPort() == probe.target().getPort()
                    && local.getAddress().equals(probe.target().getAddress())) {
                // TCP simultaneous open with ourselves: the kernel picked the target port as our source
                // port on the same address. Nobody listens there.
                reason = Reason.SELF_CONNECT;
            }
        } catch (IOException ignored) {
            // The connection completed; without a local address there is no self-connection to detect.
        }
        end(probe, new ConnectErrors.Outcome(reason, null));
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        while (!byDeadline.isEmpty() && byDeadline.peek().deadlineNanos - now <= 0) {
            Probe probe = byDeadline.poll();
            if (!probe.done) {
                end(probe, new ConnectErrors.Outcome(Reason.NO_RESPONSE, null));
            }
        }
    }

    private long millisUntilNextDeadline() {
        if (!waiting.isEmpty() && inFlight < maxInFlight) {
            return 0;
        }
        Probe next = byDeadline.peek();
        while (next != null && next.done) {
            byDeadline.poll();
            next = byDeadline.peek();
        }
        if (next == null) {
            return Long.MAX_VALUE / 2; // only a submission (wakeup) can give us work
        }
        long nanos = next.deadlineNanos - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void end(Probe probe, ConnectErrors.Outcome outcome) {
        long rttMicros = (System.nanoTime() - probe.startNanos) / 1_000;
        closeQuietly(probe.channel);
        probe.channel = null;
        inFlight--;
        InetSocketAddress target = probe.target();
        PortVerdict verdict = outcome.reason() == Reason.LOCAL_ERROR
                ? PortVerdict.error(address(target), target.getPort(), rttMicros, outcome.message())
                : PortVerdict.of(address(target), target.getPort(), outcome.reason(), rttMicros);
        probe.finish(verdict);
    }

    /** Fails every unfinished batch: a verdict made of "prober gone" errors would be a lie about the target. */
    private void failEverything() {
        for (Probe probe : byDeadline) {
            closeQuietly(probe.channel);
            probe.batch.result.completeExceptionally(new ProberClosedException());
        }
        byDeadline.clear();
        acceptSubmitted();
        for (Probe probe : waiting) {
            probe.batch.result.completeExceptionally(new ProberClosedException());
        }
        waiting.clear();
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // SO_LINGER=0 close sends RST; a failure here leaves nothing to clean up.
        }
    }

    static String address(InetSocketAddress target) {
        InetAddress address = target.getAddress();
        return address == null ? target.getHostString() : address.getHostAddress();
    }

    /** One submission: its targets, and a slot for each verdict. */
    private static final class Batch {
        final List<InetSocketAddress> targets;
        final long timeoutNanos;
        final long budgetEndNanos;
        final PortVerdict[] verdicts;
        final CompletableFuture<List<PortVerdict>> result = new CompletableFuture<>();
        int remaining;

        Batch(List<InetSocketAddress> targets, long timeoutNanos, long budgetEndNanos) {
            this.targets = List.copyOf(targets);
            this.timeoutNanos = timeoutNanos;
            this.budgetEndNanos = budgetEndNanos;
            this.verdicts = new PortVerdict[targets.size()];
            this.remaining = targets.size();
        }
    }

    /** One connect attempt. */
    private static final class Probe {
        final Batch batch;
        final int index;
        SocketChannel channel;
        long startNanos;
        long deadlineNanos;
        boolean done;

        Probe(Batch batch, int index) {
            this.batch = batch;
            this.index = index;
        }

        InetSocketAddress target() {
            return batch.targets.get(index);
        }

        void finish(PortVerdict verdict) {
            if (done) {
                return;
            }
            done = true;
            batch.verdicts[index] = verdict;
            if (--batch.remaining == 0) {
                batch.result.complete(List.of(batch.verdicts));
            }
        }
    }
}
