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
        // A listener that never accepts, with its accept queue full: Linux drops further SYNs, so a
        // connect sees nothing at all, just as behind a dropping firewall.
        ServerSocket listener = listen(1);
        List<SocketChannel> fillers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SocketChannel filler = SocketChannel.open();
            filler.configureBlocking(false);
            filler.connect(listener.getLocalSocketAddress());
            fillers.add(filler);
            cleanup.add(filler);
        }
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
    void concurrentBatchesFromSeveralThreadsEachGetTheirOwnAnswers() throws Exception {
        int open = listen(50).getLocalPort();
        int closed;
        try (ServerSocket released = new ServerSocket(0, 1, LOOPBACK)) {
            closed = released.getLocalPort();
        }
        var first = prober.probe(List.of(new InetSocketAddress(LOOPBACK, open)), Duration.ofSeconds(2));
        var second = prober.probe(List.of(new InetSocketAddress(LOOPBACK, closed)), Duration.ofSeconds(2));

        assertThat(first.get(5, TimeUnit.SECONDS).getFirst().state()).isEqualTo(PortState.OPEN);
        assertThat(second.get(5, TimeUnit.SECONDS).getFirst().state()).isEqualTo(PortState.CLOSED);
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

    private ServerSocket listen(int backlog) throws IOException {
        ServerSocket listener = new ServerSocket(0, backlog, LOOPBACK);
        cleanup.add(listener);
        return listener;
    }
}
