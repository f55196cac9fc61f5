package dev.parallax.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The schedules' target: a listener on 127.0.0.1 port 0 that accepts every connection and closes it at once,
 * counting them. Accepting matters: a listener that never accepts fills its backlog within seconds at a couple
 * of hundred probes a second, after which the kernel drops SYNs and the checks would end FILTERED instead of OPEN.
 */
final class AcceptingListener implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicLong accepted = new AtomicLong();
    private final Thread acceptor;

    private AcceptingListener(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().name("bench-target-accept").daemon().start(this::acceptLoop);
    }

    /** Opens the listener on the loopback address and an ephemeral port (the network rule: our own port only). */
    static AcceptingListener open() throws IOException {
        return new AcceptingListener(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far: one per probe that reached the port. */
    long accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                // Closed by close(), or a connection reset before it was accepted: the loop condition decides.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
