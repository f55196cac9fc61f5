package dev.parallax.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Small process, port and log-file helpers shared by the launchers of the stack's components. */
final class Processes {

    private static final int TAIL_LINES = 40;
    /**
     * Every port {@link #freePort()} gave out in this JVM: a port handed out is bound later, by another process,
     * and until then it looks free to the next caller too (a coordinator could be given PostgreSQL's port).
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private static final String SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElse(null);

    private Processes() {
    }

    /** The java binary running this launcher, so child JVMs use the same (already checked ≥ 21) runtime. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Runs {@code command} in a session of its own where util-linux's {@code setsid} exists. A terminal's Ctrl-C
     * signals its whole foreground process group; without this every child JVM would get SIGINT at the same
     * moment as the launcher and stop in no particular order, racing the launcher's orderly shutdown and its
     * crash detection. The JVM's child is never a group leader, so setsid execs in place and the pid stays the
     * child's own.
     */
    static List<String> inOwnSession(List<String> command) {
        if (SETSID == null) {
            return command;
        }
        List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add(SETSID);
        detached.addAll(command);
        return detached;
    }

    /**
     * A loopback port that was free a moment ago; the caller binds it soon after, so the race is small. Taken below
     * the kernel's ephemeral range when it can be: a component restarted on its port (the fault tests) would
     * otherwise find it taken, now and then, as the local end of some outgoing connection made meanwhile.
     */
    static int freePort() {
        int ephemeralLow = ephemeralRangeStart();
        int from = Math.max(10_000, ephemeralLow - 10_000);
        for (int attempt = 0; attempt < 50 && from < ephemeralLow; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(from, ephemeralLow);
            if (bindable(candidate) && HANDED_OUT.add(candidate)) {
                return candidate;
            }
        }
        // The kernel may give the same ephemeral port again once it is released: never hand one out twice.
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no loopback port that was not handed out already");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of net.ipv4.ip_local_port_range (32768 when it cannot be read). */
    static int ephemeralRangeStart() {
        // Read as a stream: procfs reports a size of 0, and Files.readString returned "3" of "32768\t60999".
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    static int portOrFree(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port == 0 ? freePort() : port;
    }

    static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A component started again must get its old port back, since the others were configured with it. */
    static void requirePortFree(String component, int port) {
        if (!portIsFree(port)) {
            throw new StartupException(component, "port " + port + " on 127.0.0.1 is in use; " + component
                    + " cannot start again where the other components expect it");
        }
    }

    /** Java reports a child killed by signal N as exit code 128 + N. */
    /**
     * Reports how {@code running} ended, unless its owner let go of it first (a stop asked for):
     * {@code stillOwned} is asked when it has ended.
     */
    static void reportUnexpectedExit(Process running, BooleanSupplier stillOwned, Consumer<String> report) {
        running.onExit().thenAccept(exited -> {
            if (stillOwned.getAsBoolean()) {
                report.accept(describeExit(exited.exitValue()));
            }
        });
    }

    private static String describeExit(int code) {
        return code > 128 && code < 160
                ? "exited with code " + code + ", killed by signal " + (code - 128)
                : "exited with code " + code;
    }

    /** {@code " (1.2 s)"}: the time since {@code startNanos}, for progress lines. */
    static String since(long startNanos) {
        return String.format(" (%.1f s)", (System.nanoTime() - startNanos) / 1e9);
    }

    /** Keeps the previous run's log as {@code <name>.1}, so a crash can still be read after a restart. */
    static void rotate(Path logFile) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        if (Files.exists(logFile)) {
            Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The last lines of a log, for error messages; never throws, since it is called while reporting a failure. */
    static String tail(Path logFile) {
        if (logFile == null || !Files.isReadable(logFile)) {
            return "(no log at " + logFile + ")";
        }
        Deque<String> last = new ArrayDeque<>(TAIL_LINES);
        try (var lines = Files.lines(logFile, StandardCharsets.ISO_8859_1)) {
            lines.forEach(line -> {
                if (last.size() == TAIL_LINES) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e.getMessage() + ")";
        }
        return "--- last lines of " + logFile + " ---\n" + String.join("\n", last);
    }

    /**
     * SIGTERM, a bounded wait, then SIGKILL. SIGTERM first because the JVMs (Quarkus, Kafka) run their shutdown
     * hooks on it: the broker flushes its logs and the apps leave their consumer groups cleanly.
     */
    static void terminate(ProcessHandle process, Duration grace) {
        if (isGone(process)) {
            return;
        }
        process.destroy();
        if (!awaitExit(process, grace)) {
            process.destroyForcibly();
            awaitExit(process, Duration.ofSeconds(10));
        }
    }

    /**
     * Waits until the process is gone. Short slices with an isAlive check in between, because for a process that
     * is not our child (the postmaster, which pg_ctl started) the JDK notices the exit only by slow polling.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isGone(process)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                process.onExit().get(50, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                // Look again.
            } catch (ExecutionException e) {
                return !process.isAlive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            }
        }
        return true;
    }

    /**
     * True once the process has exited, zombie or not. The postmaster is reparented to init when pg_ctl exits,
     * and a slow init (as on some VMs) leaves it a zombie for seconds; {@link ProcessHandle#isAlive()} counts a
     * zombie as alive although it holds no port, file or memory any more.
     */
    static boolean isGone(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        // A zombie is gone, but only once every thread is: a killed JVM's main thread can be a zombie while its
        // other threads still exit, and until the last one has, its sockets (its ports) are still open.
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(thread -> isZombie(thread.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return !process.isAlive();
        }
    }

    private static boolean isZombie(Path stat) {
        try {
            String text = Files.readString(stat);
            int end = text.lastIndexOf(") ");
            return end > 0 && end + 2 < text.length() && (text.charAt(end + 2) == 'Z' || text.charAt(end + 2) == 'X');
        } catch (IOException e) {
            // The thread ended between the listing and the read.
            return true;
        }
    }

    /**
     * Records a child so that a later run can end it if this launcher dies without stopping it (kill -9, a killed
     * test JVM): such an orphan still holds its ports and its data directory's lock.
     */
    static void writePidFile(Path pidFile, ProcessHandle process) throws IOException {
        Files.createDirectories(pidFile.toAbsolutePath().getParent());
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        Files.writeString(pidFile, process.pid() + " " + started + "\n");
    }

    static void deletePidFile(Path pidFile) {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // A leftover pid file is harmless: the start time it holds will not match any later process.
        }
    }

    /**
     * Ends the process a pid file names, but only if it is still the same process: the pid and its start time
     * must both match, because pids are reused.
     */
    static Optional<Long> reapOrphan(Path pidFile, Duration grace) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> parts = List.of(Files.readString(pidFile).trim().split("\\s+"));
            long pid = Long.parseLong(parts.get(0));
            long started = parts.size() > 1 ? Long.parseLong(parts.get(1)) : -1;
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            boolean same = handle.isPresent() && !isGone(handle.get())
                    && handle.get().info().startInstant().map(Instant::toEpochMilli).orElse(-2L) == started;
            if (same) {
                terminate(handle.get(), grace);
            }
            Files.deleteIfExists(pidFile);
            return same ? Optional.of(pid) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            deletePidFile(pidFile);
            return Optional.empty();
        }
    }
}
