package dev.parallax.agent.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Names: {@code plxt} + the owning JVM's pid in base 36 (5 chars) + a per-JVM sequence char; the namespace
 * has that name, the veth ends add {@code h} (host) and {@code n} (namespace), at most 11 chars (Linux allows
 * 15). Before creating anything, leftovers of earlier runs with this prefix whose owning process is gone
 * are removed; those of a JVM still running (a concurrent run) are left alone.
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code nft} (nftables). Without them {@link #create()} fails with a
 * message saying what to install: these tests never skip silently.
 */
public final class TestNetwork implements AutoCloseable {

    /** How a {@link #startListener listener} treats a connection on one port. */
    public enum ListenerMode {
        /** Accept and hold the connection open. */
        ACCEPT,
        /** Accept, then close at once with SO_LINGER=0: a RST after the handshake completed. */
        RESET
    }

    /** A named nftables counter's values. */
    public record Counter(long packets, long bytes) {
    }

    static final String PREFIX = "plxt";
    private static final Pattern OWNED_NAME = Pattern.compile("^" + PREFIX + "([0-9a-z]{5})([0-9a-z])([hn]?)$");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LISTENER_START_TIMEOUT = Duration.ofSeconds(30);
    private static final long LISTENER_LIFETIME_SECONDS = 600;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern COUNTER = Pattern.compile(
            "counter\\s+(\\S+)\\s*\\{[^}]*?packets\\s+(\\d+)\\s+bytes\\s+(\\d+)", Pattern.DOTALL);

    private final String ip;
    private final String nft;
    private final String namespace;
    private final String hostInterface;
    private final String namespaceInterface;
    private final List<Listener> listeners = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook;
    private boolean closed;

    private InetAddress hostIpv4;
    private InetAddress namespaceIpv4;
    private InetAddress hostIpv6;
    private InetAddress namespaceIpv6;

    private TestNetwork(String ip, String nft) {
        this.ip = ip;
        this.nft = nft;
        long pid = ProcessHandle.current().pid();
        int sequence = SEQUENCE.getAndIncrement();
        if (sequence >= 36) {
            throw new IllegalStateException("at most 36 test networks per JVM");
        }
        String pid36 = Long.toString(pid, 36);
        if (pid36.length() > 5) {
            throw new IllegalStateException("pid " + pid + " does not fit the interface naming scheme");
        }
        this.namespace = PREFIX + "0".repeat(5 - pid36.length()) + pid36 + Character.forDigit(sequence, 36);
        this.hostInterface = namespace + "h";
        this.namespaceInterface = namespace + "n";
        this.shutdownHook = new Thread(this::closeQuietly, "test-network-cleanup-" + namespace);
    }

    /**
     * Checks the preconditions, removes leftovers of dead earlier runs, and builds the namespace, the veth
     * pair and its addresses. Fails (never skips) when root, {@code ip} or {@code nft} is missing.
     */
    public static TestNetwork create() {
        String[] tools = checkPreconditions();
        removeLeftovers(tools[0]);
        TestNetwork network = new TestNetwork(tools[0], tools[1]);
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try {
            network.build();
            return network;
        } catch (RuntimeException | Error e) {
            network.closeQuietly();
            throw e;
        }
    }

    /** Returns {ip, nft} as absolute paths, or fails saying what to install. */
    static String[] checkPreconditions() {
        List<String> missing = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new AssertionError("These tests need Linux network namespaces; this is "
                    + System.getProperty("os.name") + ".");
        }
        if (effectiveUid() != 0) {
            missing.add("root (the test creates a network namespace, a veth pair and nftables rules: run the "
                    + "build as root, as CI does)");
        }
        Optional<String> ip = findExecutable("ip");
        Optional<String> nft = findExecutable("nft");
        if (ip.isEmpty()) {
            missing.add("iproute2 (the `ip` command): apt-get install iproute2");
        }
        if (nft.isEmpty()) {
            missing.add("nftables (the `nft` command): apt-get install nftables");
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("The network-namespace tests of the probe engine cannot run here; they need: "
                    + String.join("; ", missing) + ". (.ci/run installs nftables and iproute2 when absent.)");
        }
        return new String[] {ip.get(), nft.get()};
    }

    private static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("cannot read the effective uid from /proc/self/status", e);
        }
        throw new AssertionError("no Uid line in /proc/self/status");
    }

    private static Optional<String> findExecutable(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        // Root's tools live in sbin, which a non-login PATH may lack.
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    /** Removes namespaces and host-side veths with our prefix whose owning JVM is no longer running. */
    private static void removeLeftovers(String ip) {
        long self = ProcessHandle.current().pid();
        for (String line : run(COMMAND_TIMEOUT, null, ip, "netns", "list").stdout().lines().toList()) {
            String name = line.trim().split("\\s+")[0];
            Matcher m = OWNED_NAME.matcher(name);
            if (!m.matches() || !m.group(3).isEmpty() || ownerAlive(m.group(1), self)) {
                continue;
            }
            // Processes inside keep a deleted namespace (and its veth) alive: end them first, by id. Only
            // our listener ever runs in these namespaces.
            Result pids = tryRun(COMMAND_TIMEOUT, null, ip, "netns", "pids", name);
            for (String pid : pids.stdout().lines().map(String::trim).filter(s -> s.matches("\\d+")).toList()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
            tryRun(COMMAND_TIMEOUT, null, ip, "netns", "del", name);
        }
        for (String line : run(COMMAND_TIMEOUT, null, ip, "-o", "link").stdout().lines().toList()) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            String name = fields[1].split("@", 2)[0];
            Matcher m = OWNED_NAME.matcher(name);
            if (m.matches() && m.group(3).equals("h") && !ownerAlive(m.group(1), self)) {
                tryRun(COMMAND_TIMEOUT, null, ip, "link", "del", name);
            }
        }
    }

    private static boolean ownerAlive(String pid36, long self) {
        long pid = Long.parseLong(pid36, 36);
        if (pid == self) {
            return true; // ours: an instance of this JVM that is still in use
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private void build() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String hostAddresses = run(COMMAND_TIMEOUT, null, ip, "-o", "addr", "show").stdout();
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

        ip("netns", "add", namespace);
        ip("link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface, "netns", namespace);
        ip("addr", "add", hostIpv4.getHostAddress() + "/30", "dev", hostInterface);
        ip("-n", namespace, "addr", "add", namespaceIpv4.getHostAddress() + "/30", "dev", namespaceInterface);
        ip("-6", "addr", "add", hostIpv6.getHostAddress() + "/64", "dev", hostInterface, "nodad");
        ip("-6", "-n", namespace, "addr", "add", namespaceIpv6.getHostAddress() + "/64", "dev",
                namespaceInterface, "nodad");
        ip("link", "set", hostInterface, "up");
        ip("-n", namespace, "link", "set", namespaceInterface, "up");
        ip("-n", namespace, "link", "set", "lo", "up");
        // Inside our namespace only: no ICMP rate limit, so every rejected SYN gets its ICMP error back.
        run(COMMAND_TIMEOUT, null, ip, "netns", "exec", namespace, "sh", "-c",
                "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit && echo 0 > /proc/sys/net/ipv6/icmp/ratelimit");

        // The network rule: the namespace's addresses must be reached through our veth and nothing else.
        for (InetAddress target : List.of(namespaceIpv4, namespaceIpv6)) {
            String family = target instanceof Inet6Address ? "-6" : "-4";
            String route = run(COMMAND_TIMEOUT, null, ip, family, "route", "get", target.getHostAddress()).stdout();
            if (!route.matches("(?s).*\\bdev " + Pattern.quote(hostInterface) + "\\b.*")) {
                throw new IllegalStateException("the host does not route " + target.getHostAddress()
                        + " through " + hostInterface + " but: " + route.strip());
            }
        }
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
        run(COMMAND_TIMEOUT, script, ip, "netns", "exec", namespace, nft, "-f", "-");
    }

    /** The namespace's ruleset as {@code nft list ruleset} prints it, counters included. */
    public String ruleset() {
        return run(COMMAND_TIMEOUT, null, ip, "netns", "exec", namespace, nft, "list", "ruleset").stdout();
    }

    /** Every named counter in the namespace's ruleset, by name. */
    public Map<String, Counter> counters() {
        String text = run(COMMAND_TIMEOUT, null, ip, "netns", "exec", namespace, nft, "list", "counters").stdout();
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
     * Starts a {@link NamespaceListener} inside the namespace, listening on {@code ::} (IPv4 and IPv6) on the
     * given ports, and waits until it says READY. It runs with this JVM's own java binary and is ended by
     * {@link Listener#close()} or {@link #close()}.
     */
    public Listener startListener(Map<Integer, ListenerMode> ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no ports");
        }
        List<String> command = new ArrayList<>(List.of(ip, "netns", "exec", namespace, javaBinary(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPathOf(NamespaceListener.class), NamespaceListener.class.getName(),
                Long.toString(LISTENER_LIFETIME_SECONDS)));
        ports.forEach((port, mode) -> command.add(mode.name().toLowerCase(Locale.ROOT) + ":" + port));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command), e);
        }
        Listener listener = new Listener(process, String.join(" ", command));
        listeners.add(listener);
        listener.awaitReady(LISTENER_START_TIMEOUT);
        return listener;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String classPathOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A listener process running inside the namespace. */
    public static final class Listener implements AutoCloseable {
        private final Process process;
        private final String command;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer output = new StringBuffer();

        private Listener(Process process, String command) {
            this.process = process;
            this.command = command;
            Thread reader = new Thread(this::drain, "namespace-listener-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void drain() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process is gone.
            }
        }

        private void awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        close();
                        throw new IllegalStateException("the namespace listener did not print READY within "
                                + timeout.toSeconds() + " s: " + command + "\noutput:\n" + output);
                    }
                    String line = lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
                    if (line != null && line.startsWith("READY")) {
                        return;
                    }
                    if (line == null && !process.isAlive()) {
                        // Let the reader catch up with the last lines before reporting.
                        process.waitFor(1, TimeUnit.SECONDS);
                        throw new IllegalStateException("the namespace listener exited with "
                                + process.exitValue() + ": " + command + "\noutput:\n" + output);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while starting the namespace listener", e);
            }
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Ends the listener: closes its stdin (it exits on EOF), then SIGTERM, then SIGKILL. */
        @Override
        public void close() {
            try {
                OutputStream stdin = process.getOutputStream();
                stdin.close();
            } catch (IOException ignored) {
                // Already closed.
            }
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends every listener, deletes the veth pair and the namespace. Safe to call more than once. */
    @Override
    public void close() {
        List<String> problems = cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to.
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cleaning up test network " + namespace + ": "
                    + String.join("; ", problems));
        }
    }

    private void closeQuietly() {
        cleanUp();
    }

    private synchronized List<String> cleanUp() {
        List<String> problems = new ArrayList<>();
        if (closed) {
            return problems;
        }
        closed = true;
        synchronized (listeners) {
            for (Listener listener : listeners) {
                listener.close();
                if (listener.isAlive()) {
                    problems.add("listener pid " + listener.pid() + " did not exit");
                }
            }
        }
        // Anything else still inside our namespace was started by this class: end it by id.
        Result pids = tryRun(COMMAND_TIMEOUT, null, ip, "netns", "pids", namespace);
        for (String pid : pids.stdout().lines().map(String::trim).filter(s -> s.matches("\\d+")).toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        Result linkDel = tryRun(COMMAND_TIMEOUT, null, ip, "link", "del", hostInterface);
        if (linkDel.exitCode() != 0 && !linkDel.stderr().contains("Cannot find device")) {
            problems.add("ip link del " + hostInterface + ": " + linkDel.stderr().strip());
        }
        Result nsDel = tryRun(COMMAND_TIMEOUT, null, ip, "netns", "del", namespace);
        if (nsDel.exitCode() != 0 && !nsDel.stderr().contains("No such file")) {
            problems.add("ip netns del " + namespace + ": " + nsDel.stderr().strip());
        }
        if (tryRun(COMMAND_TIMEOUT, null, ip, "netns", "list").stdout().lines()
                .anyMatch(line -> line.trim().split("\\s+")[0].equals(namespace))) {
            problems.add("namespace " + namespace + " still listed");
        }
        if (tryRun(COMMAND_TIMEOUT, null, ip, "link", "show", hostInterface).exitCode() == 0) {
            problems.add("interface " + hostInterface + " still exists");
        }
        return problems;
    }

    private void ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = ip;
        System.arraycopy(args, 0, command, 1, args.length);
        run(COMMAND_TIMEOUT, null, command);
    }

    /** What a finished command printed. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command; fails with its stderr unless it exits 0 within {@code timeout}. */
    static Result run(Duration timeout, String stdin, String... command) {
        Result result = tryRun(timeout, stdin, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit " + result.exitCode()
                    + "): " + (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip());
        }
        return result;
    }

    /**
     * Runs a command with a bounded time and returns what it printed; exit code -1 (and the reason in stderr)
     * if it could not start or did not finish in time, in which case it is killed.
     */
    static Result tryRun(Duration timeout, String stdin, String... command) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return new Result(-1, "", "cannot start: " + e.getMessage());
        }
        CompletableFuture<String> out = readAsync(process.getInputStream());
        CompletableFuture<String> err = readAsync(process.getErrorStream());
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command exited without reading its input; its exit code and stderr will say why.
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "", "timed out after " + timeout.toSeconds() + " s: "
                        + String.join(" ", command));
            }
            return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted: " + String.join(" ", command));
        } catch (ExecutionException | TimeoutException e) {
            return new Result(process.exitValue(), "", "cannot read the output: " + e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "command-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    @Override
    public String toString() {
        return "TestNetwork[" + namespace + ": " + hostInterface + " " + hostIpv4.getHostAddress() + "/"
                + hostIpv6.getHostAddress() + " <-> " + namespaceInterface + " " + namespaceIpv4.getHostAddress()
                + "/" + namespaceIpv6.getHostAddress() + "]";
    }
}
