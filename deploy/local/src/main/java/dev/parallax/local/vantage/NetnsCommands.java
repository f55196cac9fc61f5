package dev.parallax.local.vantage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code ip} and {@code nft} for the network namespaces this JVM builds, each command bounded by
 * {@link #TIMEOUT}, and checks that this host can run them at all. Used by {@link VantageNetwork} and by the agent's
 * namespace tests, so both name, build and remove their namespaces the same way. Needs only the JDK.
 *
 * <p>Names: {@link #ownedName} gives {@code <prefix><owner pid in base 36, 5 chars><sequence char>}; whatever a
 * network adds to that (a role, {@code h} for the host end of a veth) stays within Linux's 15 chars for
 * interfaces. {@link #removeLeftovers} relies on it to tell an earlier run's leftovers, whose owner is gone, from a
 * concurrent run's.
 *
 * <p>Failures: {@link #locate()} and the commands that must succeed throw {@link VantageNetworkException} with the
 * command and its error text; the {@code try…} and {@code remove…} methods never throw for a failed command.
 */
public final class NetnsCommands {

    /** The longest any one command may take; it is killed then. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** What a finished command printed; exit code -1 if it could not start or did not finish in time. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private final String ip;
    private final String nft;

    private NetnsCommands(String ip, String nft) {
        this.ip = ip;
        this.nft = nft;
    }

    /**
     * The tools, found where root keeps them. Fails with {@link VantageNetworkException} saying what is missing and
     * how to install it (not Linux, not root, no iproute2, no nftables); the message has no final period, so a
     * caller can add its own advice.
     */
    public static NetnsCommands locate() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new VantageNetworkException("network namespaces need Linux; this is "
                    + System.getProperty("os.name"));
        }
        List<String> missing = new ArrayList<>();
        if (effectiveUid() != 0) {
            missing.add("root (network namespaces, veth pairs and nftables rules are created for the run)");
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
            throw new VantageNetworkException("network namespaces cannot be set up here; they need: "
                    + String.join("; ", missing));
        }
        return new NetnsCommands(ip.get(), nft.get());
    }

    /** The absolute path of {@code ip}. */
    public String ipBinary() {
        return ip;
    }

    /** The prefix that runs a command inside {@code namespace}: {@code ip netns exec <namespace>}. */
    public List<String> execIn(String namespace) {
        return List.of(ip, "netns", "exec", namespace);
    }

    /** {@code ip <args>}; fails unless it exits 0. */
    public Result ip(String... args) {
        return run(null, prepend(ip, args));
    }

    /** {@code ip <args>}, whatever its exit code. */
    public Result tryIp(String... args) {
        return tryRun(null, prepend(ip, args));
    }

    /** Loads an nft script inside a namespace ({@code nft -f -}); fails with nft's error text. */
    public void nft(String namespace, String script) {
        run(script, ip, "netns", "exec", namespace, nft, "-f", "-");
    }

    /** {@code nft list <what>} inside a namespace ({@code ruleset}, {@code counters}, ...): what it prints. */
    public String nftList(String namespace, String what) {
        return run(null, ip, "netns", "exec", namespace, nft, "list", what).stdout();
    }

    /** Runs a shell command line inside a namespace; fails unless it exits 0. */
    public void shell(String namespace, String commandLine) {
        run(null, ip, "netns", "exec", namespace, "sh", "-c", commandLine);
    }

    /**
     * The network rule, checked: the host must route {@code address} through {@code hostInterface}, the host end
     * of a veth of ours, and so nowhere else.
     */
    public void requireRoute(InetAddress address, String hostInterface) {
        String family = address instanceof Inet6Address ? "-6" : "-4";
        String route = ip(family, "route", "get", address.getHostAddress()).stdout();
        if (!route.matches("(?s).*\\bdev " + Pattern.quote(hostInterface) + "\\b.*")) {
            throw new VantageNetworkException("the host does not route " + address.getHostAddress() + " through "
                    + hostInterface + " but: " + route.strip());
        }
    }

    /**
     * A name owned by this JVM: {@code prefix}, this process's pid in base 36 (5 chars) and the {@code sequence}-th
     * char of base 36. Fails if the sequence is past 35 or the pid does not fit.
     */
    public static String ownedName(String prefix, int sequence) {
        if (sequence < 0 || sequence >= 36) {
            throw new IllegalStateException("at most 36 networks named " + prefix + "… per JVM");
        }
        long pid = ProcessHandle.current().pid();
        String pid36 = Long.toString(pid, 36);
        if (pid36.length() > 5) {
            throw new IllegalStateException("pid " + pid + " does not fit the naming scheme");
        }
        return prefix + "0".repeat(5 - pid36.length()) + pid36 + Character.forDigit(sequence, 36);
    }

    /**
     * Ends every process inside the namespace, by id (only the namespace's owner starts processes there), waits
     * for each, then deletes the namespace.
     *
     * @return what went wrong; empty if the namespace is gone, including when there was none
     */
    public List<String> removeNamespace(String namespace) {
        List<String> problems = new ArrayList<>();
        Result pids = tryIp("netns", "pids", namespace);
        for (String pid : pids.stdout().lines().map(String::trim).filter(s -> s.matches("\\d+")).toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                p.destroyForcibly();
                try {
                    p.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problems.add("pid " + pid + " in " + namespace + " did not exit");
                }
            });
        }
        Result del = tryIp("netns", "del", namespace);
        if (del.exitCode() != 0 && !del.stderr().contains("No such file")) {
            problems.add("ip netns del " + namespace + ": " + del.stderr().strip());
        }
        return problems;
    }

    /**
     * Deletes a link of the host (the host end of a veth; its peer goes with it).
     *
     * @return what went wrong; empty if the link is gone, including when there was none
     */
    public Optional<String> removeLink(String name) {
        Result del = tryIp("link", "del", name);
        if (del.exitCode() != 0 && !del.stderr().contains("Cannot find device")) {
            return Optional.of("ip link del " + name + ": " + del.stderr().strip());
        }
        return Optional.empty();
    }

    /** Whether a namespace of that name exists. */
    public boolean namespaceExists(String namespace) {
        return tryIp("netns", "list").stdout().lines()
                .anyMatch(line -> line.trim().split("\\s+")[0].equals(namespace));
    }

    /** Whether a link of that name exists on the host. */
    public boolean linkExists(String name) {
        return tryIp("link", "show", name).exitCode() == 0;
    }

    /**
     * Removes what earlier runs left behind: namespaces named {@link #ownedName ownedName(prefix, …)}{@code …}, and
     * host links named like that plus {@code h}, whose owning process is no longer running. A running owner's (a
     * concurrent run's, or this JVM's own) are left alone.
     *
     * @param progress receives a line per namespace removed
     */
    public void removeLeftovers(String prefix, Consumer<String> progress) {
        Pattern owned = Pattern.compile("^" + Pattern.quote(prefix) + "([0-9a-z]{5})[0-9a-z](.*)$");
        long self = ProcessHandle.current().pid();
        List<String> problems = new ArrayList<>();
        for (String line : ip("netns", "list").stdout().lines().toList()) {
            String name = line.trim().split("\\s+")[0];
            Matcher m = owned.matcher(name);
            if (m.matches() && !ownerAlive(m.group(1), self)) {
                problems.addAll(removeNamespace(name));
                progress.accept("removed namespace " + name + " left by an earlier run");
            }
        }
        for (String line : ip("-o", "link").stdout().lines().toList()) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            String name = fields[1].split("@", 2)[0];
            Matcher m = owned.matcher(name);
            if (m.matches() && m.group(2).equals("h") && !ownerAlive(m.group(1), self)) {
                removeLink(name).ifPresent(problems::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new VantageNetworkException("cannot remove what an earlier run left behind: "
                    + String.join("; ", problems));
        }
    }

    private static boolean ownerAlive(String pid36, long self) {
        long pid = Long.parseLong(pid36, 36);
        return pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String[] prepend(String first, String... rest) {
        String[] command = new String[rest.length + 1];
        command[0] = first;
        System.arraycopy(rest, 0, command, 1, rest.length);
        return command;
    }

    private static Result run(String stdin, String... command) {
        Result result = tryRun(stdin, command);
        if (result.exitCode() != 0) {
            throw new VantageNetworkException("`" + String.join(" ", command) + "` failed (exit "
                    + result.exitCode() + "): "
                    + (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip());
        }
        return result;
    }

    /**
     * Runs a command and returns what it printed; exit code -1 (the reason in stderr) if it could not start or
     * did not finish within {@link #TIMEOUT}, in which case it is killed.
     */
    private static Result tryRun(String stdin, String... command) {
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
                // The command exited without reading its input; its exit code and stderr say why.
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "", "timed out after " + TIMEOUT.toSeconds() + " s: "
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
        }, "netns-command-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new VantageNetworkException("cannot read the effective uid from /proc/self/status: " + e);
        }
        throw new VantageNetworkException("no Uid line in /proc/self/status");
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
}
