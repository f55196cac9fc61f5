package dev.parallax.local.vantage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The listener that the vantage network and the agent's namespace tests run in their namespaces, here on this
 * host (no root needed): on ephemeral ports, reached through loopback only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TargetListenerTest {

    private static final Duration LIFETIME = Duration.ofSeconds(60);
    /** On this host: no namespace. */
    private static final List<String> HERE = List.of();

    @Test
    void acceptHoldsTheConnectionOpen() throws Exception {
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        try (ListenerProcess listener = start(TargetListener.Mode.ACCEPT, output)) {
            for (InetAddress loopback : loopbacks(output)) {
                try (Socket socket = connect(loopback, listener.ports().get(0))) {
                    socket.setSoTimeout(300);
                    assertThatThrownBy(() -> socket.getInputStream().read()).as("over %s", loopback)
                            .isInstanceOf(SocketTimeoutException.class);
                }
            }
        }
    }

    @Test
    void resetAnswersTheCompletedHandshakeWithARst() throws Exception {
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        try (ListenerProcess listener = start(TargetListener.Mode.RESET, output)) {
            for (InetAddress loopback : loopbacks(output)) {
                // Over loopback the RST may come while connect() still waits: the handshake completed all the same.
                assertThatThrownBy(() -> {
                    try (Socket socket = connect(loopback, listener.ports().get(0))) {
                        socket.setSoTimeout(3_000);
                        socket.getInputStream().read();
                    }
                }).as("over %s", loopback).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
        }
    }

    @Test
    void closeEndsTheConnectionWithAFin() throws Exception {
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        try (ListenerProcess listener = start(TargetListener.Mode.CLOSE, output)) {
            for (InetAddress loopback : loopbacks(output)) {
                try (Socket socket = connect(loopback, listener.ports().get(0))) {
                    socket.setSoTimeout(3_000);
                    assertThat(socket.getInputStream().read()).as("end of stream over %s", loopback).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void bindsIpv4AloneWhereTheJvmHasNoIpv6() throws Exception {
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        // A JVM that finds no IPv6 at startup (a kernel booted with ipv6.disable=1) cannot bind ::; this one is
        // told so.
        List<String> ipv4Only = List.of("env", "JAVA_TOOL_OPTIONS=-Djava.net.preferIPv4Stack=true");
        try (ListenerProcess listener = ListenerProcess.start(ipv4Only, LIFETIME,
                Map.of(0, TargetListener.Mode.CLOSE), output::add)) {
            assertThat(output).contains("listening on 0.0.0.0 (IPv4 only)");
            try (Socket socket = connect(InetAddress.getByName("127.0.0.1"), listener.ports().get(0))) {
                socket.setSoTimeout(3_000);
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aPortAlreadyTakenFailsTheStartWithTheListenersOutput() {
        try (ListenerProcess first = start(TargetListener.Mode.CLOSE, new ConcurrentLinkedQueue<>())) {
            assertThatThrownBy(() -> ListenerProcess.start(HERE, LIFETIME,
                    Map.of(first.ports().get(0), TargetListener.Mode.CLOSE), line -> { }))
                    .isInstanceOf(VantageNetworkException.class)
                    .hasMessageContaining("exited")
                    .hasMessageContaining("BindException");
        }
    }

    @Test
    void exitsWhenItsStandardInputEnds() {
        ListenerProcess listener = ListenerProcess.start(HERE, Duration.ZERO, Map.of(0, TargetListener.Mode.ACCEPT),
                line -> { });
        long start = System.nanoTime();
        listener.close();
        assertThat(listener.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("ended by end of file, before any signal")
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void exitsWhenItsLifetimeEnds() throws Exception {
        try (ListenerProcess listener = ListenerProcess.start(HERE, Duration.ofSeconds(1),
                Map.of(0, TargetListener.Mode.CLOSE), line -> { })) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (listener.isAlive() && System.nanoTime() - deadline < 0) {
                Thread.sleep(100);
            }
            assertThat(listener.isAlive()).as("alive 10 s after its 1 s lifetime").isFalse();
        }
    }

    private static ListenerProcess start(TargetListener.Mode mode, ConcurrentLinkedQueue<String> output) {
        return ListenerProcess.start(HERE, LIFETIME, Map.of(0, mode), output::add);
    }

    /**
     * 127.0.0.1, and ::1 too when the listener bound dual stack (as it does wherever the JVM has IPv6) and this
     * host's loopback has ::1.
     */
    private static List<InetAddress> loopbacks(Iterable<String> output) throws IOException {
        InetAddress ipv4 = InetAddress.getByName("127.0.0.1");
        InetAddress ipv6 = InetAddress.getByName("::1");
        for (String line : output) {
            if (line.startsWith("listening on ::") && NetworkInterface.getByInetAddress(ipv6) != null) {
                return List.of(ipv4, ipv6);
            }
        }
        return List.of(ipv4);
    }

    private static Socket connect(InetAddress address, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(address, port), 3_000);
        return socket;
    }
}
