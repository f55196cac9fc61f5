package dev.parallax.local.vantage;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The target of the vantage network: a TCP listener that {@link VantageNetwork} runs inside the target namespace
 * ({@code ip netns exec <ns> java -cp <this jar> dev.parallax.local.vantage.TargetListener ...}). It needs only
 * the JDK.
 *
 * <p>Usage: {@code TargetListener <lifetimeSeconds> <port> ...}; 0 seconds means no time limit. It accepts every
 * connection and closes it at once (the probe has its answer by then), prints {@code READY} once every port
 * listens, and exits when its standard input reaches end of file: its parent closed it, or died.
 */
public final class TargetListener {

    private TargetListener() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: TargetListener <lifetimeSeconds, 0 = unlimited> <port> ...");
            System.exit(2);
        }
        long lifetimeSeconds = Long.parseLong(args[0]);
        if (lifetimeSeconds < 0) {
            throw new IllegalArgumentException("lifetime must be ≥ 0 s; got " + lifetimeSeconds);
        }
        long deadline = System.nanoTime() + lifetimeSeconds * 1_000_000_000L;

        Selector selector = Selector.open();
        InetAddress any = InetAddress.getByName("0.0.0.0");
        List<String> bound = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int port = Integer.parseInt(args[i]);
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(any, port), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            bound.add(Integer.toString(port));
        }

        Thread stdinWatch = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // Nothing to read but the end of the stream.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as end of file: the parent is gone.
            }
            System.exit(0);
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        System.out.println("READY " + String.join(" ", bound));
        System.out.flush();

        while (lifetimeSeconds == 0 || System.nanoTime() - deadline < 0) {
            selector.select(500);
            for (SelectionKey key : selector.selectedKeys()) {
                ServerSocketChannel server = (ServerSocketChannel) key.channel();
                // Bounded per wake-up; the selector reports the key again while more are queued.
                for (int n = 0; n < 256; n++) {
                    SocketChannel accepted = server.accept();
                    if (accepted == null) {
                        break;
                    }
                    accepted.close();
                }
            }
            selector.selectedKeys().clear();
        }
        System.exit(0);
    }
}
