package dev.parallax.agent.netns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny TCP listener that {@link TestNetwork} runs inside its network namespace
 * ({@code ip netns exec NS java -cp <test-classes> dev.parallax.agent.netns.NamespaceListener ...}).
 * It uses nothing but the JDK, so the only class path it needs is the directory this class was compiled to.
 *
 * <p>Usage: {@code NamespaceListener <lifetimeSeconds> <mode>:<port> ...} where mode is
 * {@code accept} (accept the connection and hold it open) or {@code reset} (accept, then close at once with
 * {@code SO_LINGER=0}, which sends a RST after the handshake completed). Every port is bound on {@code ::}
 * (dual stack: IPv4 and IPv6). Prints {@code READY} once every port listens.
 *
 * <p>Bounded: it exits after {@code lifetimeSeconds}, or as soon as its standard input reaches end of file
 * (the test closed it, or the test JVM died), whichever comes first.
 */
public final class NamespaceListener {

    /** Accepted connections held open in {@code accept} mode; beyond this the oldest are closed. */
    private static final int MAX_HELD = 1_000;

    private NamespaceListener() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: NamespaceListener <lifetimeSeconds> <accept|reset>:<port> ...");
            System.exit(2);
        }
        long lifetimeSeconds = Long.parseLong(args[0]);
        if (lifetimeSeconds < 1 || lifetimeSeconds > 3_600) {
            throw new IllegalArgumentException("lifetime must be 1-3600 s; got " + lifetimeSeconds);
        }
        long deadline = System.nanoTime() + lifetimeSeconds * 1_000_000_000L;

        Selector selector = Selector.open();
        InetAddress any = InetAddress.getByName("::");
        List<String> bound = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] modeAndPort = args[i].split(":", 2);
            boolean reset = switch (modeAndPort[0]) {
                case "accept" -> false;
                case "reset" -> true;
                default -> throw new IllegalArgumentException("unknown mode in '" + args[i] + "'");
            };
            int port = Integer.parseInt(modeAndPort[1]);
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(any, port), 256);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT, reset);
            bound.add(modeAndPort[0] + ":" + port);
        }

        Thread stdinWatch = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // Nothing to read but the end of the stream.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as EOF: our parent is gone.
            }
            System.exit(0);
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        System.out.println("READY " + String.join(" ", bound));
        System.out.flush();

        ArrayDeque<SocketChannel> held = new ArrayDeque<>();
        while (System.nanoTime() - deadline < 0) {
            selector.select(500);
            for (SelectionKey key : selector.selectedKeys()) {
                ServerSocketChannel server = (ServerSocketChannel) key.channel();
                boolean reset = (Boolean) key.attachment();
                // Bounded per wake-up; the selector reports the key again if more are queued.
                for (int n = 0; n < 256; n++) {
                    SocketChannel accepted = server.accept();
                    if (accepted == null) {
                        break;
                    }
                    accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
                    if (reset) {
                        accepted.close(); // RST after a completed handshake
                    } else {
                        held.addLast(accepted);
                        if (held.size() > MAX_HELD) {
                            held.pollFirst().close();
                        }
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        System.exit(0);
    }
}
