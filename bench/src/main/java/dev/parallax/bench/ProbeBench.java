package dev.parallax.bench;

import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Command-line driver for the agent's {@link ConnectProber}: probes one loopback address on a port spec,
 * times one pass, and prints ONE machine-readable line starting with {@code PROBEBENCH}.
 *
 * <pre>
 * java -cp 'bench/target/parallax-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' dev.parallax.bench.ProbeBench \
 *     --target 127.0.0.1 --ports 20001-21000 --timeout-ms 1000 --max-in-flight 1000 [--repeat 1] \
 *     [--threads N] [--warmup same|none|PORTSPEC] [--states-out FILE] [--label NAME]
 * </pre>
 *
 * <ul>
 *   <li>{@code --ports}: comma-separated ports and ranges ({@code 1-10000}, {@code 22,80,8000-8100}).</li>
 *   <li>{@code --repeat N}: every port of the spec appears N times in the one timed batch (workload 6: one
 *       port re-probed 30,000 times is {@code --ports P --repeat 30000}).</li>
 *   <li>{@code --warmup}: one untimed pass before the timed one, on the same prober instance (as in the
 *       long-running agent). {@code same} (default) repeats the measured batch; a port spec warms up on
 *       other ports instead, which the harness uses for filtered workloads so that the warm-up adds nothing
 *       to the nftables SYN counters; {@code none} measures a cold JVM.</li>
 *   <li>{@code --states-out}: writes {@code port state} per distinct port, sorted, for comparing with nmap.</li>
 * </ul>
 *
 * Only loopback targets are accepted: the benchmark runs inside a network namespace the harness created and
 * scans that namespace's own 127.0.0.1, never anything else (DESIGN.md, network rule for benchmarks).
 */
public final class ProbeBench {

    /** Hard bound on how long one pass may take, whatever the arguments say. */
    private static final long PASS_LIMIT_SECONDS = 600;

    private ProbeBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parseOptions(args);
        InetAddress target = InetAddress.getByName(require(options, "target"));
        if (!target.isLoopbackAddress()) {
            fail("refusing to probe " + target.getHostAddress()
                    + ": the benchmark only scans loopback inside its own network namespace");
        }
        List<Integer> ports = parsePorts(require(options, "ports"));
        int repeat = Integer.parseInt(options.getOrDefault("repeat", "1"));
        int timeoutMs = Integer.parseInt(options.getOrDefault("timeout-ms", "1000"));
        int maxInFlight = Integer.parseInt(options.getOrDefault("max-in-flight", "1000"));
        int threads = Integer.parseInt(options.getOrDefault("threads",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        String warmup = options.getOrDefault("warmup", "same");
        String label = options.getOrDefault("label", "ours");
        if (repeat < 1 || (long) repeat * ports.size() > 10_000_000L) {
            fail("--repeat must be at least 1 and repeat x ports at most 10,000,000");
        }

        List<InetSocketAddress> targets = new ArrayList<>(ports.size() * repeat);
        for (int r = 0; r < repeat; r++) {
            for (int port : ports) {
                targets.add(new InetSocketAddress(target, port));
            }
        }
        Duration timeout = Duration.ofMillis(timeoutMs);

        try (ConnectProber prober = new ConnectProber(maxInFlight, threads)) {
            long warmupMillis = 0;
            if (!warmup.equals("none")) {
                List<InetSocketAddress> warmupTargets = targets;
                if (!warmup.equals("same")) {
                    warmupTargets = new ArrayList<>();
                    for (int port : parsePorts(warmup)) {
                        warmupTargets.add(new InetSocketAddress(target, port));
                    }
                }
                long start = System.nanoTime();
                run(prober, warmupTargets, timeout);
                warmupMillis = (System.nanoTime() - start) / 1_000_000;
            }

            long start = System.nanoTime();
            List<PortVerdict> verdicts = run(prober, targets, timeout);
            long wallNanos = System.nanoTime() - start;

            report(label, target, ports, repeat, timeoutMs, maxInFlight, threads, warmup, warmupMillis,
                    verdicts, wallNanos);
            String statesOut = options.get("states-out");
            if (statesOut != null) {
                writeStates(Path.of(statesOut), verdicts);
            }
        }
    }

    private static List<PortVerdict> run(ConnectProber prober, List<InetSocketAddress> targets, Duration timeout)
            throws InterruptedException, ExecutionException {
        try {
            return prober.probe(targets, timeout).get(PASS_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("a pass took longer than " + PASS_LIMIT_SECONDS + " s");
            return List.of();
        }
    }

    private static void report(String label, InetAddress target, List<Integer> ports, int repeat, int timeoutMs,
                               int maxInFlight, int threads, String warmup, long warmupMillis,
                               List<PortVerdict> verdicts, long wallNanos) {
        Map<PortState, Integer> perState = new EnumMap<>(PortState.class);
        for (PortState state : PortState.values()) {
            perState.put(state, 0);
        }
        Map<String, Integer> perReason = new TreeMap<>();
        Map<String, Integer> errors = new LinkedHashMap<>();
        long[] rtts = new long[verdicts.size()];
        int rttCount = 0;
        for (PortVerdict verdict : verdicts) {
            perState.merge(verdict.state(), 1, Integer::sum);
            perReason.merge(verdict.reason().wireName(), 1, Integer::sum);
            if (verdict.state() == PortState.ERROR) {
                errors.merge(String.valueOf(verdict.message()), 1, Integer::sum);
            }
            if (verdict.state() == PortState.OPEN || verdict.state() == PortState.CLOSED) {
                rtts[rttCount++] = verdict.rttMicros();
            }
        }
        long[] answered = Arrays.copyOf(rtts, rttCount);
        Arrays.sort(answered);

        // The same port probed several times must get the same verdict each time.
        Map<Integer, PortState> first = new TreeMap<>();
        int inconsistent = 0;
        for (PortVerdict verdict : verdicts) {
            PortState before = first.putIfAbsent(verdict.port(), verdict.state());
            if (before != null && before != verdict.state()) {
                inconsistent++;
            }
        }

        double wallMs = wallNanos / 1e6;
        double perSecond = verdicts.size() / (wallNanos / 1e9);
        StringBuilder line = new StringBuilder("PROBEBENCH");
        kv(line, "label", label);
        kv(line, "target", target.getHostAddress());
        kv(line, "ports", ports.size());
        kv(line, "repeat", repeat);
        kv(line, "probes", verdicts.size());
        kv(line, "wall_ms", String.format(Locale.ROOT, "%.3f", wallMs));
        kv(line, "ports_per_s", String.format(Locale.ROOT, "%.0f", perSecond));
        kv(line, "open", perState.get(PortState.OPEN));
        kv(line, "closed", perState.get(PortState.CLOSED));
        kv(line, "filtered", perState.get(PortState.FILTERED));
        kv(line, "error", perState.get(PortState.ERROR));
        kv(line, "inconsistent", inconsistent);
        kv(line, "reasons", perReason.isEmpty() ? "-" : join(perReason));
        kv(line, "rtt_us_p50", percentile(answered, 0.50));
        kv(line, "rtt_us_p99", percentile(answered, 0.99));
        kv(line, "max_in_flight", maxInFlight);
        kv(line, "threads", threads);
        kv(line, "timeout_ms", timeoutMs);
        kv(line, "warmup", warmup);
        kv(line, "warmup_ms", warmupMillis);
        kv(line, "errors", errors.isEmpty() ? "-" : quote(join(errors)));
        System.out.println(line);
    }

    private static void writeStates(Path file, List<PortVerdict> verdicts) throws IOException {
        Map<Integer, PortState> byPort = new TreeMap<>();
        for (PortVerdict verdict : verdicts) {
            byPort.putIfAbsent(verdict.port(), verdict.state());
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            byPort.forEach((port, state) -> out.println(port + " " + state.name().toLowerCase(Locale.ROOT)));
        }
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    private static String join(Map<String, Integer> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((key, count) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(key).append(':').append(count);
        });
        return out.toString();
    }

    private static String quote(String text) {
        return '"' + text.replace('"', '\'').replace('\n', ' ') + '"';
    }

    private static void kv(StringBuilder line, String key, Object value) {
        line.append(' ').append(key).append('=').append(value);
    }

    static List<Integer> parsePorts(String spec) {
        List<Integer> ports = new ArrayList<>();
        for (String part : spec.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] bounds = trimmed.split("-", 2);
            int from = Integer.parseInt(bounds[0].trim());
            int to = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : from;
            if (from < 1 || to > 65_535 || from > to) {
                fail("bad port range '" + trimmed + "': ports are 1-65535, low-high");
            }
            for (int port = from; port <= to; port++) {
                ports.add(port);
            }
        }
        if (ports.isEmpty()) {
            fail("empty port spec");
        }
        return ports;
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("usage: ProbeBench --target 127.0.0.1 --ports SPEC [--timeout-ms 1000] [--max-in-flight 1000]"
                        + " [--repeat 1] [--threads N] [--warmup same|none|SPEC] [--states-out FILE] [--label NAME]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            fail("missing --" + name);
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("ProbeBench: " + message);
        System.exit(2);
    }
}
