package dev.parallax.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports with a known answer, for tests that probe only ports they opened or just released. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** A port that was free a moment ago and has no listener now: CLOSED. */
    public static int released() throws IOException {
        try (ServerSocket released = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return released.getLocalPort();
        }
    }

    /**
     * A listener whose accept queue is full: Linux drops further SYNs to it, so a probe gets no answer and ends
     * FILTERED at its timeout. Closing it closes the listener and the connections that fill its queue.
     */
    public static final class Silent implements AutoCloseable {

        private final ServerSocket listener;
        private final List<SocketChannel> fillers = new ArrayList<>();

        public Silent() throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 4; i++) {
                SocketChannel filler = SocketChannel.open();
                filler.configureBlocking(false);
                filler.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()));
                fillers.add(filler);
            }
        }

        public int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel filler : fillers) {
                filler.close();
            }
            listener.close();
        }
    }
}
