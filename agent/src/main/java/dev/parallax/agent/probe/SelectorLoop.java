package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector thread of the {@link ConnectProber}: non-blocking connects, at most {@code maxInFlight}
 * sockets open, one deadline per probe. Everything but {@link #submit} and {@link #close} runs on its own
 * thread, which MUST NOT block on anything but {@link Selector#select(long)}.
 */
final class SelectorLoop {

    private static final System.Logger LOG = System.getLogger(SelectorLoop.class.getName());

    /** Part of a batch for this loop: the indices of the targets it probes. */
    record Slice(ProbeBatch batch, int[] indices) {
    }

    private final int maxInFlight;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Slice> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Owned by the loop's thread only.
    private final ArrayDeque<Probe> waiting = new ArrayDeque<>();
    private final PriorityQueue<Probe> byDeadline =
            new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNanos, b.deadlineNanos));
    // Written by the loop's thread only (so ++ and -- need no lock); volatile so that metrics MAY read it anywhere.
    private volatile int inFlight;

    SelectorLoop(String name, int maxInFlight) {
        this.maxInFlight = maxInFlight;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** False when the loop has stopped: the caller must fail the slice's batch itself. */
    boolean submit(Slice slice) {
        if (closed.get()) {
            return false;
        }
        submitted.add(slice);
        selector.wakeup();
        // Closed while we enqueued: the loop may have drained its queue already.
        return !closed.get();
    }

    /** Sockets of this loop connecting now. */
    int inFlight() {
        return inFlight;
    }

    /** False once the loop was closed or its thread has died. */
    boolean running() {
        return !closed.get() && thread.isAlive();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            selector.wakeup();
            try {
                thread.join(Duration.ofSeconds(5));
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
            LOG.log(System.Logger.Level.ERROR, "connect prober loop stopped", e);
        } finally {
            // Whatever ended the loop, no caller may wait forever: later submissions are refused.
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
        Slice slice;
        while ((slice = submitted.poll()) != null) {
            for (int index : slice.indices()) {
                waiting.add(new Probe(slice.batch(), index));
            }
        }
    }

    private void startWaiting() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            Probe probe = waiting.poll();
            if (!start(probe)) {
                // Out of file descriptors while our own sockets are open: wait for one to close.
                waiting.addFirst(probe);
                return;
            }
        }
    }

    /** False when the probe could not start for now and should be retried once a socket closes. */
    private boolean start(Probe probe) {
        InetSocketAddress target = probe.target();
        probe.startNanos = System.nanoTime();
        if (probe.startNanos - probe.batch.budgetEndNanos >= 0) {
            probe.finish(PortVerdict.error(address(target), target.getPort(), 0,
                    "not probed: the job's time ran out before this probe could start"));
            return true;
        }
        // The deadline is set before any I/O, so time spent opening the socket counts against the probe.
        probe.deadlineNanos = Math.min(probe.startNanos + probe.batch.timeoutNanos, probe.batch.budgetEndNanos);
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            if (inFlight > 0 && String.valueOf(e.getMessage()).contains("Too many open files")) {
                return false;
            }
            // A local shortage, not something the target did.
            probe.finish(PortVerdict.error(address(target), target.getPort(), 0, e.getMessage()));
            return true;
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
                return true;
            }
            channel.register(selector, SelectionKey.OP_CONNECT, probe);
            byDeadline.add(probe);
        } catch (IOException | RuntimeException e) {
            end(probe, ConnectErrors.classify(e, ConnectErrors.Phase.CONNECT));
        }
        return true;
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
            end(probe, ConnectErrors.classify(e, ConnectErrors.Phase.AFTER_SYN));
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
            probe.batch.fail(new ProberClosedException());
        }
        byDeadline.clear();
        acceptSubmitted();
        for (Probe probe : waiting) {
            probe.batch.fail(new ProberClosedException());
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

    /** One connect attempt; touched by the loop's thread only. */
    private static final class Probe {
        final ProbeBatch batch;
        final int index;
        SocketChannel channel;
        long startNanos;
        long deadlineNanos;
        boolean done;

        Probe(ProbeBatch batch, int index) {
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
            batch.record(index, verdict);
        }
    }
}
