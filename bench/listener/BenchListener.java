// Listener for the Parallax probe benchmark. Single-file Java program, run with the JDK's source
// launcher (`java BenchListener.java ...`), so a fresh machine needs only the JDK. It must be started
// INSIDE the benchmark's network namespace (`ip netns exec NS java ...`): it binds only the address it is
// given (the namespace's own 127.0.0.1) and never connects anywhere.
//
// Usage: java BenchListener.java ADDRESS PORTSPEC MAX_SECONDS READY_FILE
//   PORTSPEC   comma-separated ports or ranges, e.g. 20001-21000
//   MAX_SECONDS the listener exits by itself after this long (bounded, even if the harness dies)
//   READY_FILE  written once every port is bound, so the harness knows when to start
//
// Every accepted connection is closed at once. Accepting promptly matters: a full accept queue makes
// Linux drop SYNs, which a connect scan would see as a (false) filtered port.
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class BenchListener {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java BenchListener.java ADDRESS PORTSPEC MAX_SECONDS READY_FILE");
            System.exit(2);
        }
        InetAddress address = InetAddress.getByName(args[0]);
        if (!address.isLoopbackAddress()) {
            System.err.println("refusing to listen on a non-loopback address: " + address);
            System.exit(2);
        }
        List<Integer> ports = parse(args[1]);
        long endNanos = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        Path ready = Path.of(args[3]);

        // Two accept threads (one per core on the benchmark machine), each owning half of the ports.
        int threads = 2;
        List<Selector> selectors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            selectors.add(Selector.open());
        }
        for (int i = 0; i < ports.size(); i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(address, ports.get(i)), 65_535); // capped by net.core.somaxconn
            server.configureBlocking(false);
            server.register(selectors.get(i % threads), SelectionKey.OP_ACCEPT);
        }
        List<Thread> workers = new ArrayList<>();
        for (Selector selector : selectors) {
            workers.add(Thread.ofPlatform().daemon().start(() -> acceptLoop(selector, endNanos)));
        }
        Files.writeString(ready, "listening on " + ports.size() + " ports\n");
        System.err.println("BenchListener: listening on " + ports.size() + " ports of " + address.getHostAddress());
        for (Thread worker : workers) {
            worker.join(); // each loop ends by itself at endNanos
        }
        System.err.println("BenchListener: time is up, exiting");
        System.exit(0);
    }

    private static void acceptLoop(Selector selector, long endNanos) {
        try {
            while (true) {
                long leftMillis = (endNanos - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    return;
                }
                selector.select(Math.min(leftMillis, 1_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    ServerSocketChannel server = (ServerSocketChannel) key.channel();
                    // Drain the accept queue, bounded per wake-up.
                    for (int n = 0; n < 4_096; n++) {
                        SocketChannel accepted;
                        try {
                            accepted = server.accept();
                        } catch (IOException e) {
                            break; // e.g. a connection reset before accept: nothing to do
                        }
                        if (accepted == null) {
                            break;
                        }
                        try {
                            accepted.close();
                        } catch (IOException ignored) {
                            // already reset by the peer
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            System.err.println("BenchListener: accept loop failed: " + e);
        }
    }

    private static List<Integer> parse(String spec) {
        List<Integer> ports = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] bounds = part.trim().split("-");
            int from = Integer.parseInt(bounds[0]);
            int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
            for (int p = from; p <= to; p++) {
                ports.add(p);
            }
        }
        return ports;
    }
}
