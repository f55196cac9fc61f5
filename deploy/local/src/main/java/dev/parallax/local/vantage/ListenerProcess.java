package dev.parallax.local.vantage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@link TargetListener} process started by this JVM, typically inside a network namespace: started with this
 * JVM's own {@code java} and the code source of {@link TargetListener} as its only class path, and ready once it
 * printed {@code READY}. {@link #close()} ends it.
 */
public final class ListenerProcess implements AutoCloseable {

    /** How long a listener may take to print READY: a JVM's startup on a busy machine. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final String command;
    private final List<Integer> ports;

    private ListenerProcess(Process process, String command, List<Integer> ports) {
        this.process = process;
        this.command = command;
        this.ports = ports;
    }

    /**
     * Starts a listener and waits until every port listens.
     *
     * @param prefix   what runs the listener's command, e.g. {@link NetnsCommands#execIn}; empty: on this host
     * @param lifetime how long it runs at most; zero: until {@link #close()} or until this JVM exits
     * @param ports    the ports (0: a free one) and what the listener does with their connections, in order
     * @param output   receives every line the listener prints
     * @throws VantageNetworkException if it cannot start or does not print READY within {@link #START_TIMEOUT}
     */
    public static ListenerProcess start(List<String> prefix, Duration lifetime, Map<Integer, TargetListener.Mode> ports,
                                        Consumer<String> output) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no ports");
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(javaBinary(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPathOf(TargetListener.class), TargetListener.class.getName(),
                Long.toString(lifetime.toSeconds())));
        ports.forEach((port, mode) -> command.add(mode.argument() + ":" + port));
        String commandLine = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new VantageNetworkException("cannot start the listener `" + commandLine + "`: " + e.getMessage());
        }
        CompletableFuture<List<Integer>> ready = new CompletableFuture<>();
        StringBuffer printed = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    printed.append(line).append('\n');
                    if (line.startsWith("READY")) {
                        ready.complete(boundPorts(line));
                    }
                    output.accept(line);
                }
            } catch (IOException ignored) {
                // The process is gone.
            }
            ready.completeExceptionally(new IllegalStateException("exited"));
        }, "listener-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            return new ListenerProcess(process, commandLine,
                    ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new VantageNetworkException("interrupted while starting the listener `" + commandLine + "`");
        } catch (ExecutionException | TimeoutException e) {
            boolean exited = e instanceof ExecutionException;
            process.destroyForcibly();
            try {
                // Let the reader catch up with the last lines before reporting.
                reader.join(1_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new VantageNetworkException("the listener " + (exited ? "exited" : "did not print READY within "
                    + START_TIMEOUT.toSeconds() + " s") + ": " + commandLine + "\noutput:\n" + printed);
        }
    }

    /** {@code READY accept:7101 close:80}: the ports, in order. */
    private static List<Integer> boundPorts(String readyLine) {
        return Arrays.stream(readyLine.substring("READY".length()).trim().split("\\s+"))
                .filter(word -> !word.isEmpty())
                .map(word -> Integer.parseInt(word.substring(word.indexOf(':') + 1)))
                .toList();
    }

    /** The ports it listens on, in the order they were asked for (so a port 0 asked for is the free one found). */
    public List<Integer> ports() {
        return ports;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the listener: closes its stdin (it exits on end of file), then SIGTERM, then SIGKILL. Idempotent. */
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

    @Override
    public String toString() {
        return "ListenerProcess[pid " + process.pid() + ": " + command + "]";
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
}
