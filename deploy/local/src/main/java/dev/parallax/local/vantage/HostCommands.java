package dev.parallax.local.vantage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

/** Runs {@code ip} and {@code nft}, each bounded in time, and checks that this host can run them at all. */
final class HostCommands {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** What a finished command printed. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final String ip;
    private final String nft;

    private HostCommands(String ip, String nft) {
        this.ip = ip;
        this.nft = nft;
    }

    /**
     * The tools, found where root keeps them; fails with {@link VantageNetworkException} saying what is missing
     * (not Linux, not root, no iproute2, no nftables).
     */
    static HostCommands locate() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new VantageNetworkException("vantage namespaces need Linux network namespaces; this is "
                    + System.getProperty("os.name"));
        }
        List<String> missing = new ArrayList<>();
        if (effectiveUid() != 0) {
            missing.add("root (namespaces, veth pairs and nftables rules are created for the run)");
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
            throw new VantageNetworkException("vantage namespaces cannot be set up here; they need: "
                    + String.join("; ", missing));
        }
        return new HostCommands(ip.get(), nft.get());
    }

    String ipBinary() {
        return ip;
    }

    /** {@code ip <args>}; fails unless it exits 0. */
    Result ip(String... args) {
        return run(null, prepend(ip, args));
    }

    /** {@code ip <args>}, whatever its exit code. */
    Result tryIp(String... args) {
        return tryRun(null, prepend(ip, args));
    }

    /** Loads an nft script inside a namespace ({@code nft -f -}); fails with nft's error text. */
    void nft(String namespace, String script) {
        run(script, ip, "netns", "exec", namespace, nft, "-f", "-");
    }

    /** Runs a shell command line inside a namespace; fails unless it exits 0. */
    void shell(String namespace, String commandLine) {
        run(null, ip, "netns", "exec", namespace, "sh", "-c", commandLine);
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
                return new Result(-1, "", "timed out after " + TIMEOUT.toSeconds() + " s");
            }
            return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
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
        }, "host-command-output");
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
