package dev.parallax.agent.probe;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine against real loopback listeners on ephemeral ports this test opened (or just released). */
class ConnectProberTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private ConnectProber prober;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void startProber() {
        prober = new ConnectProber(8);
    }

    @AfterEach
    void stop() throws Exception {
        prober.close();
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    @Test
    void listeningPortIsOpenWithSynAck() throws Exception {
        ServerSocket listener = listen(50);

        PortVerdict verdict = probeOne(listener.getLocalPort(), Duration.ofSeconds(2));

        assertThat(verdict.state()).as("a port with a listener").isEqualTo(PortState.OPEN);
        assertThat(verdict.reason()).isEqualTo(Reason.SYN_ACK);
        assertThat(verdict.address()).isEqualTo(LOOPBACK.getHostAddress());
        assertThat(verdict.rttMicros()).as("connect time").isPositive().isLessThan(2_000_000);
    }

    @Test
    void justReleasedPortIsClosedWithConnRefused() throws Exception {
        int port;
        try (ServerSocket released = new ServerSocket(0, 1, LOOPBACK)) {
            port = released.getLocalPort();
        }

        PortVerdict verdict = probeOne(port, Duration.ofSeconds(2));

        assertThat(verdict.state()).as("a port nobody listens on answers RST").isEqualTo(PortState.CLOSED);
        assertThat(verdict.reason()).isIn(Reason.CONN_REFUSED, Reason.SELF_CONNECT);
    }

    @Test
    void silentPortIsFilteredWithNoResponseAtItsDeadline() throws Exception {
        ServerSocket listener = listen(1);
        fillAcceptQueue(listener);
        TimeUnit.MILLISECONDS.sleep(200);

        long start = System.nanoTime();
        PortVerdict verdict = probeOne(listener.getLocalPort(), Duration.ofMillis(400));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(verdict.state()).as("a port that never answers").isEqualTo(PortState.FILTERED);
        assertThat(verdict.reason()).isEqualTo(Reason.NO_RESPONSE);
        assertThat(tookMillis).as("the probe ends at its deadline, not the kernel's").isBetween(350L, 3_000L);
        assertThat(verdict.rttMicros()).isGreaterThanOrEqualTo(400_000);
    }

    @Test
    void manyTargetsAreAllAnsweredInOrderWithBoundedConcurrency() throws Exception {
        List<InetSocketAddress> targets = new ArrayList<>();
        List<Integer> closedPorts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            targets.add(new InetSocketAddress(LOOPBACK, listen(50).getLocalPort()));
        }
        for (int i = 0; i < 10; i++) {
            try (ServerSocket released = new ServerSocket(0, 1, LOOPBACK)) {
                closedPorts.add(released.getLocalPort());
                targets.add(new InetSocketAddress(LOOPBACK, released.getLocalPort()));
            }
        }

        List<PortVerdict> verdicts = prober.probe(targets, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);

        assertThat(verdicts).hasSize(50);
        for (int i = 0; i < targets.size(); i++) {
            assertThat(verdicts.get(i).port()).as("verdict %d answers target %d", i, i)
                    .isEqualTo(targets.get(i).getPort());
        }
        assertThat(verdicts.subList(0, 40)).allSatisfy(v -> assertThat(v.state()).isEqualTo(PortState.OPEN));
        assertThat(verdicts.subList(40, 50)).allSatisfy(v -> assertThat(v.state()).isEqualTo(PortState.CLOSED));
    }

    @Test
    void batchesSubmittedFromTwoThreadsEachGetTheirOwnAnswers() throws Exception {
        int open = listen(50).getLocalPort();
        int closed;
        try (ServerSocket released = new ServerSocket(0, 1, LOOPBACK)) {
            closed = released.getLocalPort();
        }
        var first = new java.util.concurrent.CompletableFuture<java.util.concurrent.CompletableFuture<List<PortVerdict>>>();
        var second = new java.util.concurrent.CompletableFuture<java.util.concurrent.CompletableFuture<List<PortVerdict>>>();
        Thread one = Thread.ofPlatform().start(() -> first.complete(
                prober.probe(List.of(new InetSocketAddress(LOOPBACK, open)), Duration.ofSeconds(2))));
        Thread two = Thread.ofPlatform().start(() -> second.complete(
                prober.probe(List.of(new InetSocketAddress(LOOPBACK, closed)), Duration.ofSeconds(2))));
        one.join(5_000);
        two.join(5_000);

        assertThat(first.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).getFirst().state()).isEqualTo(PortState.OPEN);
        assertThat(second.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).getFirst().state()).isEqualTo(PortState.CLOSED);
    }

    @Test
    void noMoreThanMaxInFlightProbesRunAtOnce() throws Exception {
        // Four silent ports, two sockets at a time, 300 ms each: two waves, so at least 600 ms in all.
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ServerSocket silent = listen(1);
            fillAcceptQueue(silent);
            targets.add(new InetSocketAddress(LOOPBACK, silent.getLocalPort()));
        }
        TimeUnit.MILLISECONDS.sleep(200);
        try (ConnectProber twoAtATime = new ConnectProber(2)) {
            long start = System.nanoTime();
            List<PortVerdict> verdicts = twoAtATime.probe(targets, Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(verdicts).allSatisfy(v -> assertThat(v.reason()).isEqualTo(Reason.NO_RESPONSE));
            assertThat(tookMillis).as("4 silent probes, 2 at a time, take two 300 ms waves").isGreaterThanOrEqualTo(590);
        }
    }

    @Test
    void probesStillQueuedWhenTheBudgetRunsOutEndAsErrorsWithoutConnecting() throws Exception {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ServerSocket silent = listen(1);
            fillAcceptQueue(silent);
            targets.add(new InetSocketAddress(LOOPBACK, silent.getLocalPort()));
        }
        TimeUnit.MILLISECONDS.sleep(200);
        try (ConnectProber oneAtATime = new ConnectProber(1)) {
            List<PortVerdict> verdicts = oneAtATime.probe(targets, Duration.ofSeconds(2), Duration.ofMillis(400))
                    .get(10, TimeUnit.SECONDS);

            assertThat(verdicts.getFirst().reason()).as("the first probe is cut at the budget").isEqualTo(Reason.NO_RESPONSE);
            assertThat(verdicts.getFirst().rttMicros()).isLessThan(1_500_000);
            assertThat(verdicts.subList(1, 3)).allSatisfy(v -> {
                assertThat(v.state()).isEqualTo(PortState.ERROR);
                assertThat(v.message()).contains("not probed");
            });
        }
    }

    @Test
    void closingTheProberFailsUnfinishedBatchesInsteadOfInventingVerdicts() throws Exception {
        ServerSocket silent = listen(1);
        fillAcceptQueue(silent);
        TimeUnit.MILLISECONDS.sleep(200);
        ConnectProber closing = new ConnectProber(4);
        var pending = closing.probe(List.of(new InetSocketAddress(LOOPBACK, silent.getLocalPort())), Duration.ofSeconds(5));

        closing.close();

        assertThat(pending).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(ProberClosedException.class);
        assertThat(closing.probe(List.of(new InetSocketAddress(LOOPBACK, silent.getLocalPort())), Duration.ofSeconds(1)))
                .as("a probe after close").failsWithin(Duration.ofSeconds(1));
    }

    @Test
    void timeoutOnTheKernelsSynRetransmitIsPulledJustBelowIt() {
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(1000))).as("1 s: one SYN, not two")
                .isEqualTo(Duration.ofMillis(975));
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(1010))).isEqualTo(Duration.ofMillis(975));
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(3000))).isEqualTo(Duration.ofMillis(2975));
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(999))).isEqualTo(Duration.ofMillis(999));
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(2000))).isEqualTo(Duration.ofMillis(2000));
        assertThat(ConnectProber.effectiveTimeout(Duration.ofMillis(1200))).as("past the retransmit on purpose")
                .isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void probesSpreadOverSeveralSelectorThreadsAllComeBackInOrder() throws Exception {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            targets.add(new InetSocketAddress(LOOPBACK, listen(50).getLocalPort()));
        }
        try (ConnectProber threeThreads = new ConnectProber(6, 3)) {
            List<PortVerdict> verdicts = threeThreads.probe(targets, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);

            for (int i = 0; i < targets.size(); i++) {
                assertThat(verdicts.get(i).port()).as("verdict %d", i).isEqualTo(targets.get(i).getPort());
                assertThat(verdicts.get(i).state()).isEqualTo(PortState.OPEN);
            }
        }
    }

    @Test
    void emptyBatchCompletesAtOnce() throws Exception {
        assertThat(prober.probe(List.of(), Duration.ofSeconds(1)).get(1, TimeUnit.SECONDS)).isEmpty();
    }

    private PortVerdict probeOne(int port, Duration timeout) throws Exception {
        List<PortVerdict> verdicts = prober.probe(List.of(new InetSocketAddress(LOOPBACK, port)), timeout)
                .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        assertThat(verdicts).hasSize(1);
        return verdicts.getFirst();
    }

    /**
     * A listener that never accepts, with its accept queue full: Linux drops further SYNs, so a connect sees
     * nothing at all, just as behind a dropping firewall.
     */
    private void fillAcceptQueue(ServerSocket listener) throws IOException {
        for (int i = 0; i < 4; i++) {
            SocketChannel filler = SocketChannel.open();
            filler.configureBlocking(false);
            filler.connect(listener.getLocalSocketAddress());
            cleanup.add(filler);
        }
    }

    private ServerSocket listen(int backlog) throws IOException {
        ServerSocket listener = new ServerSocket(0, backlog, LOOPBACK);
        cleanup.add(listener);
        return listener;
    }
}
