package dev.parallax.local.vantage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Vantage points that really see different things, on one machine: a target namespace and one namespace per
 * vantage (region), joined by a bridge that lives in a switch namespace of its own, plus one veth from the host
 * into that bridge so that processes on the host (the Kafka broker) are reachable from every vantage.
 *
 * <pre>
 *   host ── 198.18.X.1 ─┐
 *   target ─ 198.18.X.2 ─┤ bridge (switch namespace)
 *   vantage 0 ─ .10 ─────┤
 *   vantage 1 ─ .11 ─────┘ ...
 * </pre>
 *
 * <p>Each vantage namespace gets its own nftables output rule for the target's guarded ports
 * ({@link VantageFirewall}): so one region sees a port OPEN, another CLOSED (a RST), a third FILTERED (no answer).
 *
 * <p>Network rule: the only addresses involved are the ones this class puts on its own veths, a /24 of the
 * benchmarking range 198.18.0.0/15 not used on the host. The namespaces have no default route, so a process in
 * them can reach that /24 and nothing else. The bridge sits in its own namespace, not on the host, so the host's
 * bridge netfilter settings and firewall never see the traffic between vantages and target.
 *
 * <p>Names: {@code plxv} + the owning JVM's pid in base 36 (5 chars) + a per-JVM sequence char, then the role:
 * {@code s} (switch), {@code t} (target), {@code a0}…{@code az} (vantages); veth ends inside a member are named
 * like its namespace, their bridge ports add {@code x}; the host's end is {@code <base>h} (see
 * {@link NetnsCommands#ownedName}). Before anything is created, leftovers of earlier runs whose owning process is
 * gone are removed. {@link #close()} removes all of it, and a JVM shutdown hook does the same if the owner forgets.
 *
 * <p>Needs Linux, root, {@code ip} and {@code nft}; {@link #create} fails with {@link VantageNetworkException}
 * saying what is missing.
 */
public final class VantageNetwork implements AutoCloseable {

    static final String PREFIX = "plxv";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String BRIDGE = "br0";
    private static final String NFT_TABLE = "parallax_vantage";
    private static final int MAX_VANTAGES = 36;

    private final NetnsCommands commands;
    private final String base;
    private final List<String> vantages;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final Map<String, VantageFirewall> firewalls = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> guardedPorts = new LinkedHashMap<>();
    private final List<ListenerProcess> targetListeners = Collections.synchronizedList(new ArrayList<>());
    private final Teardown teardown;
    private final Consumer<String> progress;

    private int subnetOctet;

    private VantageNetwork(NetnsCommands commands, List<String> vantages, Consumer<String> progress) {
        this.commands = commands;
        this.vantages = List.copyOf(vantages);
        this.progress = progress;
        this.base = NetnsCommands.ownedName(PREFIX, SEQUENCE.getAndIncrement());
        this.teardown = Teardown.register("vantage network " + base, this::cleanUp);
    }

    /**
     * Checks the preconditions, removes leftovers of dead earlier runs, and builds the switch, the target and one
     * namespace per vantage, with no firewall rules yet.
     *
     * @param vantages names of the vantage points (the regions), at most 36, in the order of their addresses
     * @param progress receives a line per notable step (leftovers removed)
     */
    public static VantageNetwork create(List<String> vantages, Consumer<String> progress) {
        if (vantages.isEmpty() || vantages.size() > MAX_VANTAGES) {
            throw new IllegalArgumentException("1 to " + MAX_VANTAGES + " vantages, not " + vantages.size());
        }
        if (Set.copyOf(vantages).size() != vantages.size()) {
            throw new IllegalArgumentException("duplicate vantage in " + vantages);
        }
        NetnsCommands commands = NetnsCommands.locate();
        commands.removeLeftovers(PREFIX, progress);
        VantageNetwork network = new VantageNetwork(commands, vantages, progress);
        try {
            network.build();
            return network;
        } catch (RuntimeException | Error e) {
            network.teardown.run();
            throw e;
        }
    }

    /** Throws {@link VantageNetworkException} saying what is missing unless this host can build the network. */
    public static void requirePreconditions() {
        NetnsCommands.locate();
    }

    private void build() {
        String hostAddresses = commands.ip("-o", "addr", "show").stdout();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100 && subnetOctet == 0; attempt++) {
            int candidate = random.nextInt(1, 255);
            if (!hostAddresses.contains(" 198.18." + candidate + ".")) {
                subnetOctet = candidate;
            }
        }
        if (subnetOctet == 0) {
            throw new VantageNetworkException("no free 198.18.x.0/24 on this host");
        }
        String switchNs = base + "s";
        commands.ip("netns", "add", switchNs);
        commands.ip("-n", switchNs, "link", "set", "lo", "up");
        commands.ip("-n", switchNs, "link", "add", BRIDGE, "type", "bridge");
        commands.ip("-n", switchNs, "link", "set", BRIDGE, "up");

        String hostEnd = base + "h";
        commands.ip("link", "add", hostEnd, "type", "veth", "peer", "name", hostEnd + "x", "netns", switchNs);
        commands.ip("addr", "add", hostAddress().getHostAddress() + "/24", "dev", hostEnd);
        commands.ip("link", "set", hostEnd, "up");
        commands.ip("-n", switchNs, "link", "set", hostEnd + "x", "master", BRIDGE, "up");

        addMember(base + "t", targetAddress());
        for (int i = 0; i < vantages.size(); i++) {
            String namespace = base + "a" + Character.forDigit(i, 36);
            namespaces.put(vantages.get(i), namespace);
            addMember(namespace, vantageAddressAt(i));
        }

        // The network rule: the host must reach this /24 through our veth and nothing else.
        commands.requireRoute(targetAddress(), hostEnd);
    }

    private void addMember(String namespace, InetAddress address) {
        String switchNs = base + "s";
        commands.ip("netns", "add", namespace);
        commands.ip("-n", namespace, "link", "set", "lo", "up");
        commands.ip("-n", namespace, "link", "add", namespace, "type", "veth", "peer", "name", namespace + "x",
                "netns", switchNs);
        commands.ip("-n", namespace, "addr", "add", address.getHostAddress() + "/24", "dev", namespace);
        commands.ip("-n", namespace, "link", "set", namespace, "up");
        commands.ip("-n", switchNs, "link", "set", namespace + "x", "master", BRIDGE, "up");
    }

    /** The host's address on the bridge: where processes in the namespaces reach the host (the broker). */
    public InetAddress hostAddress() {
        return literal("198.18." + subnetOctet + ".1");
    }

    /** The target namespace's address. */
    public InetAddress targetAddress() {
        return literal("198.18." + subnetOctet + ".2");
    }

    /** The vantage's own address, inside its namespace. */
    public InetAddress vantageAddress(String vantage) {
        return vantageAddressAt(indexOf(vantage));
    }

    private InetAddress vantageAddressAt(int index) {
        return literal("198.18." + subnetOctet + "." + (10 + index));
    }

    /** The whole network, as a CIDR. */
    public String subnet() {
        return "198.18." + subnetOctet + ".0/24";
    }

    public List<String> vantages() {
        return vantages;
    }

    public String namespace(String vantage) {
        indexOf(vantage);
        return namespaces.get(vantage);
    }

    public String targetNamespace() {
        return base + "t";
    }

    /** Prefix for a command that must run inside the vantage's namespace: {@code ip netns exec <ns>}. */
    public List<String> commandPrefix(String vantage) {
        return commands.execIn(namespace(vantage));
    }

    /**
     * Replaces the vantage's firewall: connections from it to the target's {@code ports} are treated as
     * {@code firewall} says; every other port stays untouched.
     */
    public synchronized void guard(String vantage, VantageFirewall firewall, Set<Integer> ports) {
        String namespace = namespace(vantage);
        String ruleset = "table inet " + NFT_TABLE + "\ndelete table inet " + NFT_TABLE + "\n";
        if (firewall != VantageFirewall.NONE && !ports.isEmpty()) {
            String portList = ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "));
            ruleset += """
                    table inet %s {
                      chain output {
                        type filter hook output priority filter; policy accept;
                        ip daddr %s tcp dport { %s } counter %s
                      }
                    }
                    """.formatted(NFT_TABLE, targetAddress().getHostAddress(), portList, firewall.nftVerdict());
        }
        commands.nft(namespace, ruleset);
        firewalls.put(vantage, firewall);
        guardedPorts.put(vantage, new TreeSet<>(ports));
    }

    /** The firewall last set with {@link #guard}, {@link VantageFirewall#NONE} if none. */
    public synchronized VantageFirewall firewall(String vantage) {
        indexOf(vantage);
        return firewalls.getOrDefault(vantage, VantageFirewall.NONE);
    }

    /** The ports {@link #guard} put under the vantage's firewall. */
    public synchronized Set<Integer> guardedPorts(String vantage) {
        indexOf(vantage);
        return guardedPorts.getOrDefault(vantage, Set.of());
    }

    /**
     * Starts a {@link TargetListener} in the target namespace on {@code ports}, each closing every connection it
     * accepts, waits until it listens, then connects to each port from the host through the bridge to prove the
     * path works. It runs until {@code lifetime} ends (zero: until this network closes or this JVM exits).
     */
    public void startTargetListener(Set<Integer> ports, Duration lifetime, Path logFile) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no ports");
        }
        Map<Integer, TargetListener.Mode> modes = new TreeMap<>();
        ports.forEach(port -> modes.put(port, TargetListener.Mode.CLOSE));
        targetListeners.add(ListenerProcess.start(commands.execIn(targetNamespace()), lifetime, modes,
                line -> {
                    if (logFile != null) {
                        appendQuietly(logFile, line);
                    }
                }));
        for (int port : ports) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(targetAddress(), port), 3_000);
            } catch (IOException e) {
                throw new VantageNetworkException("the host cannot connect to the target listener at "
                        + targetAddress().getHostAddress() + ":" + port + " through the bridge: " + e.getMessage());
            }
        }
    }

    private static void appendQuietly(Path logFile, String line) {
        try {
            Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // The log is a convenience; the listener's state is what matters.
        }
    }

    /** Ends every process in the namespaces, then removes the namespaces and the veths. Idempotent. */
    @Override
    public void close() {
        teardown.close();
    }

    private synchronized List<String> cleanUp() {
        List<String> problems = new ArrayList<>();
        synchronized (targetListeners) {
            targetListeners.forEach(ListenerProcess::close);
        }
        List<String> owned = new ArrayList<>(namespaces.values());
        owned.add(targetNamespace());
        owned.add(base + "s");
        for (String namespace : owned) {
            problems.addAll(commands.removeNamespace(namespace));
        }
        commands.removeLink(base + "h").ifPresent(problems::add);
        return problems;
    }

    private int indexOf(String vantage) {
        int index = vantages.indexOf(vantage);
        if (index < 0) {
            throw new IllegalArgumentException("no vantage " + vantage + "; this network has " + vantages);
        }
        return index;
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "VantageNetwork[" + base + ", " + subnet() + ", vantages " + vantages + "]";
    }
}
