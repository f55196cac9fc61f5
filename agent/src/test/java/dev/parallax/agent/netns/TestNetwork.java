package dev.parallax.agent.netns;

import dev.parallax.local.vantage.ListenerProcess;
import dev.parallax.local.vantage.NetnsCommands;
import dev.parallax.local.vantage.TargetListener;
import dev.parallax.local.vantage.Teardown;
import dev.parallax.local.vantage.VantageNetworkException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux network namespace with one veth pair to the host, made for one test run and removed by
 * {@link #close()} (and, as a last resort, by a JVM shutdown hook).
 *
 * <p>Network rule: the only addresses involved are the ones this class puts on its own veth pair, an IPv4
 * /30 from the benchmarking range 198.18.0.0/15 (host end .1, namespace end .2) and an IPv6 ULA /64
 * (host end ::1, namespace end ::2). After setup it checks that the kernel routes both namespace addresses
 * through this veth and nowhere else, and fails otherwise.
 *
 * <p>Names: {@code plxt} + the owning JVM's pid in base 36 (5 chars) + a per-JVM sequence char
 * ({@link NetnsCommands#ownedName}); the namespace has that name, the veth ends add {@code h} (host) and {@code n}
 * (namespace), at most 11 chars (Linux allows 15). Before creating anything, leftovers of earlier runs with this
 * prefix whose owning process is gone are removed; those of a JVM still running (a concurrent run) are left alone.
 *
 * <p>Commands and the listener are deploy/local's ({@link NetnsCommands}, {@link TargetListener}), the ones the
 * vantage network of the local stack uses. Needs root, {@code ip} (iproute2) and {@code nft} (nftables). Without
 * them {@link #create()} fails with a message saying what to install: these tests never skip silently.
 */
public final class TestNetwork implements AutoCloseable {

    /** A named nftables counter's values. */
    public record Counter(long packets, long bytes) {
    }

    static final String PREFIX = "plxt";
    private static final Duration LISTENER_LIFETIME = Duration.ofSeconds(600);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern COUNTER = Pattern.compile(
            "counter\\s+(\\S+)\\s*\\{[^}]*?packets\\s+(\\d+)\\s+bytes\\s+(\\d+)", Pattern.DOTALL);

    private final NetnsCommands commands;
    private final String namespace;
    private final String hostInterface;
    private final String namespaceInterface;
    private final List<ListenerProcess> listeners = Collections.synchronizedList(new ArrayList<>());
    private final Teardown teardown;

    private InetAddress hostIpv4;
    private InetAddress namespaceIpv4;
    private InetAddress hostIpv6;
    private InetAddress namespaceIpv6;

    private TestNetwork(NetnsCommands commands) {
        this.commands = commands;
        this.namespace = NetnsCommands.ownedName(PREFIX, SEQUENCE.getAndIncrement());
        this.hostInterface = namespace + "h";
        this.namespaceInterface = namespace + "n";
        this.teardown = Teardown.register("test network " + namespace, this::cleanUp);
    }

    /**
     * Checks the preconditions, removes leftovers of dead earlier runs, and builds the namespace, the veth
     * pair and its addresses. Fails (never skips) when root, {@code ip} or {@code nft} is missing.
     */
    public static TestNetwork create() {
        NetnsCommands commands = checkPreconditions();
        commands.removeLeftovers(PREFIX, line -> System.out.println("TestNetwork: " + line));
        TestNetwork network = new TestNetwork(commands);
        try {
            network.build();
            return network;
        } catch (RuntimeException | Error e) {
            network.teardown.run();
            throw e;
        }
    }

    /** The commands, or an {@link AssertionError} saying what to install. */
    static NetnsCommands checkPreconditions() {
        try {
            return NetnsCommands.locate();
        } catch (VantageNetworkException e) {
            throw new AssertionError("The network-namespace tests of the probe engine cannot run: "
                    + e.getMessage() + ". (CI runs the build as root through .ci/run, which installs nftables and "
                    + "iproute2 when absent.)", e);
        }
    }

    private void build() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String hostAddresses = commands.ip("-o", "addr", "show").stdout();
        int third = -1;
        for (int attempt = 0; attempt < 50 && third < 0; attempt++) {
            int candidate = random.nextInt(1, 255);
            if (!hostAddresses.contains(" 198.18." + candidate + ".")) {
                third = candidate;
            }
        }
        String ula = null;
        for (int attempt = 0; attempt < 50 && ula == null; attempt++) {
            String candidate = "fd00:" + Integer.toHexString(random.nextInt(1, 0x10000)) + ":";
            if (!hostAddresses.contains(" " + candidate)) {
                ula = candidate;
            }
        }
        if (third < 0 || ula == null) {
            throw new IllegalStateException("no free 198.18.x.0/30 or fd00:x::/64 found on this host");
        }
        hostIpv4 = literal("198.18." + third + ".1");
        namespaceIpv4 = literal("198.18." + third + ".2");
        hostIpv6 = literal(ula + ":1");
        namespaceIpv6 = literal(ula + ":2");

        commands.ip("netns", "add", namespace);
        commands.ip("link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface,
                "netns", namespace);
        commands.ip("addr", "add", hostIpv4.getHostAddress() + "/30", "dev", hostInterface);
        commands.ip("-n", namespace, "addr", "add", namespaceIpv4.getHostAddress() + "/30", "dev",
                namespaceInterface);
        commands.ip("-6", "addr", "add", hostIpv6.getHostAddress() + "/64", "dev", hostInterface, "nodad");
        commands.ip("-6", "-n", namespace, "addr", "add", namespaceIpv6.getHostAddress() + "/64", "dev",
                namespaceInterface, "nodad");
        commands.ip("link", "set", hostInterface, "up");
        commands.ip("-n", namespace, "link", "set", namespaceInterface, "up");
        commands.ip("-n", namespace, "link", "set", "lo", "up");
        // Inside our namespace only: no ICMP rate limit, so every rejected SYN gets its ICMP error back.
        commands.shell(namespace,
                "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit && echo 0 > /proc/sys/net/ipv6/icmp/ratelimit");

        // The network rule: the namespace's addresses must be reached through our veth and nothing else.
        commands.requireRoute(namespaceIpv4, hostInterface);
        commands.requireRoute(namespaceIpv6, hostInterface);
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public String namespace() {
        return namespace;
    }

    public String hostInterface() {
        return hostInterface;
    }

    public String namespaceInterface() {
        return namespaceInterface;
    }

    public InetAddress hostIpv4() {
        return hostIpv4;
    }

    /** The namespace end of the veth pair, IPv4 (198.18.x.2). */
    public InetAddress namespaceIpv4() {
        return namespaceIpv4;
    }

    public InetAddress hostIpv6() {
        return hostIpv6;
    }

    /** The namespace end of the veth pair, IPv6 (fd00:x::2). */
    public InetAddress namespaceIpv6() {
        return namespaceIpv6;
    }

    /** The namespace end of the veth pair: IPv6 if {@code ipv6}, else IPv4. */
    public InetAddress namespaceAddress(boolean ipv6) {
        return ipv6 ? namespaceIpv6 : namespaceIpv4;
    }

    /** Loads an nft script inside the namespace ({@code nft -f -}); fails with nft's error text. */
    public void nft(String script) {
        commands.nft(namespace, script);
    }

    /** The namespace's ruleset as {@code nft list ruleset} prints it, counters included. */
    public String ruleset() {
        return commands.nftList(namespace, "ruleset");
    }

    /** Every named counter in the namespace's ruleset, by name. */
    public Map<String, Counter> counters() {
        String text = commands.nftList(namespace, "counters");
        Map<String, Counter> counters = new LinkedHashMap<>();
        Matcher m = COUNTER.matcher(text);
        while (m.find()) {
            counters.put(m.group(1), new Counter(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        }
        return counters;
    }

    /** One named counter's packet count; fails if there is no such counter. */
    public long counterPackets(String name) {
        Counter counter = counters().get(name);
        if (counter == null) {
            throw new IllegalStateException("no nft counter named '" + name + "' in namespace " + namespace
                    + "; ruleset:\n" + ruleset());
        }
        return counter.packets();
    }

    /**
     * Starts a {@link TargetListener} inside the namespace, listening on {@code ::} (IPv4 and IPv6) on the given
     * ports, and waits until it says READY. It runs with this JVM's own java binary for at most 10 minutes, and is
     * ended by {@link ListenerProcess#close()} or {@link #close()}.
     */
    public ListenerProcess startListener(Map<Integer, TargetListener.Mode> ports) {
        ListenerProcess listener = ListenerProcess.start(commands.execIn(namespace), LISTENER_LIFETIME, ports,
                line -> { });
        listeners.add(listener);
        return listener;
    }

    /** Ends every listener, deletes the veth pair and the namespace. Safe to call more than once. */
    @Override
    public void close() {
        teardown.close();
    }

    private synchronized List<String> cleanUp() {
        List<String> problems = new ArrayList<>();
        synchronized (listeners) {
            for (ListenerProcess listener : listeners) {
                listener.close();
                if (listener.isAlive()) {
                    problems.add("listener pid " + listener.pid() + " did not exit");
                }
            }
        }
        // Anything else still inside our namespace was started by this class: it is ended by id.
        problems.addAll(commands.removeNamespace(namespace));
        commands.removeLink(hostInterface).ifPresent(problems::add);
        if (commands.namespaceExists(namespace)) {
            problems.add("namespace " + namespace + " still listed");
        }
        if (commands.linkExists(hostInterface)) {
            problems.add("interface " + hostInterface + " still exists");
        }
        return problems;
    }

    @Override
    public String toString() {
        return "TestNetwork[" + namespace + ": " + hostInterface + " " + hostIpv4.getHostAddress() + "/"
                + hostIpv6.getHostAddress() + " <-> " + namespaceInterface + " " + namespaceIpv4.getHostAddress()
                + "/" + namespaceIpv6.getHostAddress() + "]";
    }
}
