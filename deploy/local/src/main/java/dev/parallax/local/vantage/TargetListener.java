package dev.parallax.local.vantage;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TCP listener run inside a network namespace ({@code ip netns exec <ns> java -cp <this jar>
 * dev.parallax.local.vantage.TargetListener ...}, see {@link ListenerProcess}): the target of the vantage network,
 * and what the agent's namespace tests probe. It needs only the JDK, so its class path is this jar (or this
 * module's classes directory) alone.
 *
 * <p>Usage: {@code TargetListener <lifetimeSeconds> [<mode>:]<port> ...}, 0 seconds meaning no time limit, each
 * port with its {@link Mode} ({@code close} if none is given); port 0 picks a free one. Every port is bound on
 * {@code ::}, dual stack (IPv4 and IPv6), or on {@code 0.0.0.0} where this JVM cannot use IPv6. It prints
 * {@code listening on <address> ...}, then {@code READY <mode>:<port> ...} with the ports it listens on, in the
 * order asked.
 *
 * <p>Bounded: it exits when its standard input reaches end of file (its parent closed it, or died), or when the
 * lifetime ends, whichever comes first.
 */
public final class TargetListener {

    /** What the listener does with a connection once the handshake completed. */
    public enum Mode {
        /** Accept and hold the connection open (at most {@link #MAX_HELD}; beyond that the oldest is reset). */
        ACCEPT,
        /** Accept, then close at once with {@code SO_LINGER=0}: a RST after the handshake completed. */
        RESET,
        /** Accept, then close normally (a FIN): the probe has its answer by then. */
        CLOSE;

        /** The name on the command line: {@code accept}, {@code reset}, {@code close}. */
        public String argument() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode ofArgument(String argument) {
            for (Mode mode : values()) {
                if (mode.argument().equals(argument)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + argument + "'; one of accept, reset, close");
        }
    }

    /** Accepted connections held open in {@code accept} mode; beyond this the oldest are closed. */
    static final int MAX_HELD = 1_000;

    private static final int BACKLOG = 1_024;
    /** Accepts per port and wake-up; the selector reports the port again while more are queued. */
    private static final int ACCEPTS_PER_WAKEUP = 256;

    private TargetListener() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println(
                    "usage: TargetListener <lifetimeSeconds, 0 = unlimited> [accept|reset|close:]<port> ...");
            System.exit(2);
        }
        long lifetimeSeconds = Long.parseLong(args[0]);
        if (lifetimeSeconds < 0) {
            throw new IllegalArgumentException("lifetime must be ≥ 0 s; got " + lifetimeSeconds);
        }
        long deadline = System.nanoTime() + lifetimeSeconds * 1_000_000_000L;

        Selector selector = Selector.open();
        InetAddress any = anyAddress();
        System.out.println("listening on "
                + (any instanceof Inet6Address ? ":: (IPv4 and IPv6)" : "0.0.0.0 (IPv4 only)"));
        List<String> bound = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] modeAndPort = args[i].split(":", 2);
            Mode mode = modeAndPort.length == 1 ? Mode.CLOSE : Mode.ofArgument(modeAndPort[0]);
            int port = Integer.parseInt(modeAndPort[modeAndPort.length - 1]);
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(any, port), BACKLOG);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT, mode);
            bound.add(mode.argument() + ":" + ((InetSocketAddress) server.getLocalAddress()).getPort());
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

        ArrayDeque<SocketChannel> held = new ArrayDeque<>();
        while (lifetimeSeconds == 0 || System.nanoTime() - deadline < 0) {
            selector.select(500);
            for (SelectionKey key : selector.selectedKeys()) {
                ServerSocketChannel server = (ServerSocketChannel) key.channel();
                Mode mode = (Mode) key.attachment();
                for (int n = 0; n < ACCEPTS_PER_WAKEUP; n++) {
                    SocketChannel accepted = server.accept();
                    if (accepted == null) {
                        break;
                    }
                    switch (mode) {
                        case ACCEPT -> {
                            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
                            held.addLast(accepted);
                            if (held.size() > MAX_HELD) {
                                held.pollFirst().close();
                            }
                        }
                        case RESET -> {
                            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
                            accepted.close(); // RST after a completed handshake
                        }
                        case CLOSE -> accepted.close();
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        System.exit(0);
    }

    /**
     * {@code ::} if this JVM can bind it (dual stack: IPv4 clients arrive as mapped addresses), else
     * {@code 0.0.0.0}: a JVM that found no IPv6 at startup (a kernel booted with {@code ipv6.disable=1},
     * {@code -Djava.net.preferIPv4Stack=true}) opens IPv4 sockets only.
     */
    private static InetAddress anyAddress() throws IOException {
        InetAddress ipv6Any = InetAddress.getByName("::");
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(ipv6Any, 0), 1);
            return ipv6Any;
        } catch (IOException | UnsupportedAddressTypeException e) {
            return InetAddress.getByName("0.0.0.0");
        }
    }
}
