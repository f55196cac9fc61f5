package dev.parallax.bench;

import dev.parallax.local.LocalStack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Scheduler lateness on this machine with the local stack: N schedules every I seconds, watched for W seconds,
 * once with ONE coordinator and once with TWO on the same PostgreSQL (two fresh stacks, one after the other), and
 * prints per configuration the firings expected and found, doubles, missed, lateness percentiles, firings per
 * coordinator, load; then the ratio two/one of p99 and PASS/FAIL against the target (p99 &lt; 1 s, no double, no
 * missed firing). Run by {@code bench/schedules.sh}; see docs/benchmarks.md.
 *
 * <pre>
 * java -cp 'bench/target/parallax-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
 *     dev.parallax.bench.ScheduleLatencyBench \
 *     [--schedules 2000] [--interval-s 10] [--window-s 60] [--margin-s 5] [--parallelism 16] [--budget-s 1200] \
 *     [--configs 1,2] [--target-p99-ms 1000] [--quiet-wait-s 120] [--quiet-below-pct 30] [--repo-root DIR] \
 *     [--work-dir DIR] [--coordinator-property k=v]...
 * </pre>
 *
 * Before each configuration it waits up to {@code --quiet-wait-s} for the machine's cores to be less than
 * {@code --quiet-below-pct} busy over 5 s (other people's builds), then starts anyway and says so.
 *
 * The schedules' target is a listener this process opens on 127.0.0.1 port 0, the only address probed.
 */
public final class ScheduleLatencyBench {

    private static final String REGION = "eu-west";
    /** A region result is terminal at the latest at its check's deadline: timeout + the coordinator's 30 s grace. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(45);
    private static final int TIMEOUT_MS = 500;
    private static final Duration BUSY_SAMPLE = Duration.ofSeconds(5);

    private final Options options;
    private final long deadline;

    private ScheduleLatencyBench(Options options) {
        this.options = options;
        this.deadline = System.nanoTime() + options.budget.toNanos();
    }

    /** One configuration's run: what was measured, or why it was not. */
    private record Run(int coordinators, String skipped, Instant started, Duration wall, int createdOk,
                       int createFailed, List<String> createFailures, Duration createTook, int pauseFailed,
                       double busyBefore, long waitedForQuiet, String loadBefore, String loadAfterCreate,
                       String loadAfter, double busyPercent, Map<String, Double> cpuSeconds, long accepted,
                       long pendingLeft, FiringAudit.Result audit) {

        boolean passed(Options o) {
            return skipped == null && audit != null && createFailed == 0 && audit.lateness().p99() < o.targetP99Ms
                    && audit.doubles() == 0 && audit.missed() == 0 && audit.offGrid() == 0
                    && audit.found() == audit.expected() && audit.schedulesInDatabase() == createdOk;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("schedule bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        ScheduleLatencyBench bench = new ScheduleLatencyBench(options);
        bench.startWatchdog();
        System.exit(bench.runAll() ? 0 : 1);
    }

    /**
     * Ends the whole process once the budget (plus time to stop a stack) has passed, whatever it is doing: the
     * stacks' shutdown hooks stop their processes on the way out.
     */
    private void startWatchdog() {
        long hardStop = deadline + Duration.ofSeconds(90).toNanos();
        Thread.ofPlatform().name("bench-watchdog").daemon().start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, hardStop - System.nanoTime())));
                log("time budget of " + options.budget.toSeconds() + " s (+90 s to stop) exceeded: exiting");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private boolean runAll() throws Exception {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path base = options.workDir != null ? options.workDir
                : options.repoRoot.resolve("bench/target/schedules/run-" + stamp);
        Files.createDirectories(base);
        log("work directory " + base + "; budget " + options.budget.toSeconds() + " s");
        List<Run> runs = new ArrayList<>();
        Duration lastWall = null;
        for (int coordinators : options.configs) {
            Duration needed = lastWall != null ? lastWall : options.window.plus(Duration.ofSeconds(240));
            if (remaining().compareTo(needed) < 0) {
                String why = "not run: " + remaining().toSeconds() + " s of the budget left, about "
                        + needed.toSeconds() + " s needed";
                log(coordinators + " coordinator(s) " + why);
                runs.add(skipped(coordinators, why));
                continue;
            }
            long begin = System.nanoTime();
            try {
                Run run = runConfiguration(coordinators, base.resolve(coordinators + "-coordinator"
                        + (coordinators == 1 ? "" : "s")));
                runs.add(run);
            } catch (Exception e) {
                // A stack that does not start, or a database that cannot be read: reported as such, and the other
                // configuration still runs.
                log(coordinators + " coordinator(s) failed: " + e);
                runs.add(skipped(coordinators, "failed: " + e));
            }
            lastWall = Duration.ofNanos(System.nanoTime() - begin);
        }
        return report(runs, base);
    }

    private Run runConfiguration(int coordinators, Path workDir) throws Exception {
        // The load average lags by minutes (after the first configuration it still shows that one's load), so
        // what the machine does right now without our stack is sampled too; on a shared machine, waiting a while
        // for others' builds to pass keeps the two configurations comparable.
        long quietUntil = Math.min(System.nanoTime() + options.quietWait.toNanos(), deadline);
        long waitFrom = System.nanoTime();
        double busyBefore;
        MachineSample idleTo;
        do {
            MachineSample idleFrom = MachineSample.take(Map.of());
            Thread.sleep(BUSY_SAMPLE.toMillis());
            idleTo = MachineSample.take(Map.of());
            busyBefore = idleTo.busyPercentSince(idleFrom);
        } while (busyBefore > options.quietBelowPercent && System.nanoTime() < quietUntil);
        long waited = Duration.ofNanos(System.nanoTime() - waitFrom).toSeconds();
        if (busyBefore > options.quietBelowPercent) {
            log(String.format(Locale.ROOT, "the machine is still %.0f%% busy after %d s of waiting: starting anyway",
                    busyBefore, waited));
        }
        Instant started = Instant.now();
        long begin = System.nanoTime();
        String loadBefore = idleTo.loadAverage();
        log(String.format(Locale.ROOT, "=== %d coordinator(s): starting the stack in %s (load %s; all cores %.0f%% busy"
                + " over the last %d s)", coordinators, workDir, loadBefore, busyBefore, BUSY_SAMPLE.toSeconds()));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("parallax.schedules.max-per-owner", Integer.toString(Math.max(100_000, options.schedules)));
        properties.put("parallax.schedules.min-interval", options.interval.toString());
        properties.putAll(options.coordinatorProperties);
        try (AcceptingListener target = AcceptingListener.open();
             LocalStack stack = LocalStack.builder()
                     .repoRoot(options.repoRoot)
                     .workDir(workDir)
                     .regions(List.of(REGION))
                     .coordinators(coordinators)
                     .coordinatorProperties(properties)
                     .progress(line -> log("[stack] " + line))
                     .build()
                     .start();
             Connection db = stack.postgres().connect();
             BulkSchedules api = new BulkSchedules(apis(stack, coordinators), options.parallelism)) {
            Map<String, ProcessHandle> components = new LinkedHashMap<>(stack.processes());
            components.put("harness", ProcessHandle.current());
            Map<Long, String> coordinatorPids = components.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("coordinator"))
                    .collect(Collectors.toMap(e -> e.getValue().pid(), Map.Entry::getKey));

            String body = """
                    {"target": "127.0.0.1", "ports": [%d], "regions": ["%s"], "every": "%s", "timeoutMs": %d}"""
                    .formatted(target.port(), REGION, options.interval.toString(), TIMEOUT_MS);
            MachineSample atStart = MachineSample.take(components);
            log("creating " + options.schedules + " schedules every " + options.interval.toSeconds() + " s on "
                    + coordinators + " API(s), " + options.parallelism + " requests at a time (target 127.0.0.1:"
                    + target.port() + ")");
            BulkSchedules.Bulk<BulkSchedules.Created> created = api.createAll(options.schedules, n -> body,
                    deadline - options.window.toNanos());
            String loadAfterCreate = MachineSample.currentLoadAverage();
            log(String.format(Locale.ROOT, "created %d (%d failed) in %.1f s (%.0f/s); load %s",
                    created.done().size(), created.failed(), seconds(created.took()),
                    created.done().size() / Math.max(0.001, seconds(created.took())), loadAfterCreate));
            created.firstFailures().forEach(f -> log("  creation failed: " + f));

            Instant lastCreated = created.done().stream().map(BulkSchedules.Created::createdAt)
                    .max(Instant::compareTo).orElse(Instant.now());
            Instant watchEnd = lastCreated.plus(options.window).plus(options.margin);
            log("watching until " + watchEnd.truncatedTo(ChronoUnit.SECONDS) + " (last creation + window + margin)");
            sleepUntil(watchEnd);
            if (Instant.now().isBefore(watchEnd)) {
                log("the time budget cut the watch short: due times not yet reached will count as missed");
            }
            MachineSample atEnd = MachineSample.take(components);
            log("window over; load " + atEnd.loadAverage() + "; pausing all");

            BulkSchedules.Bulk<UUID> paused = api.pauseAll(created.done().stream().map(BulkSchedules.Created::id)
                    .toList());
            log(String.format(Locale.ROOT, "paused %d (%d failed) in %.1f s", paused.done().size(), paused.failed(),
                    seconds(paused.took())));
            paused.firstFailures().forEach(f -> log("  pause failed: " + f));

            long pending = settle(db);
            FiringAudit.Result audit = FiringAudit.read(db, created.done(), options.interval, options.window,
                    lastCreated, watchEnd, REGION, coordinatorPids);
            log("audit: expected " + audit.expected() + ", found " + audit.found() + ", doubles " + audit.doubles()
                    + ", missed " + audit.missed() + ", p99 " + Percentiles.ms(audit.lateness().p99()) + " ms");
            return new Run(coordinators, null, started, Duration.ofNanos(System.nanoTime() - begin),
                    created.done().size(), created.failed(), created.firstFailures(), created.took(), paused.failed(),
                    busyBefore, waited, loadBefore, loadAfterCreate, atEnd.loadAverage(),
                    atEnd.busyPercentSince(atStart), atEnd.cpuSecondsSince(atStart), target.accepted(), pending, audit);
        } finally {
            log("=== " + coordinators + " coordinator(s): stack stopped");
        }
    }

    /** Waits until no run in the window waits for its region's answer, at most {@link #SETTLE_LIMIT}. */
    private long settle(Connection db) throws Exception {
        long until = Math.min(System.nanoTime() + SETTLE_LIMIT.toNanos(), deadline);
        long pending = FiringAudit.pendingRuns(db, options.window);
        while (pending > 0 && System.nanoTime() < until) {
            Thread.sleep(500);
            pending = FiringAudit.pendingRuns(db, options.window);
        }
        if (pending > 0) {
            log(pending + " run(s) still without the agent's answer after " + SETTLE_LIMIT.toSeconds() + " s");
        }
        return pending;
    }

    private static List<URI> apis(LocalStack stack, int coordinators) {
        List<URI> apis = new ArrayList<>();
        for (int n = 1; n <= coordinators; n++) {
            apis.add(stack.coordinator(n).baseUri());
        }
        return apis;
    }

    private Run skipped(int coordinators, String why) {
        return new Run(coordinators, why, Instant.now(), Duration.ZERO, 0, 0, List.of(), Duration.ZERO, 0, -1, 0, "",
                "", "", -1, Map.of(), 0, 0, null);
    }

    // ------------------------------------------------------------------------------------------------ report

    private boolean report(List<Run> runs, Path base) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("\n## Parallax scheduler lateness — ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES))
                .append("\n\n");
        out.append(String.format(Locale.ROOT, "- workload: %,d schedules every %d s, each watched for its first %d s"
                        + " (%d due times each), one port (a listener of the harness on 127.0.0.1), region %s, probe"
                        + " timeout %d ms; created over REST, %d requests at a time, spread over the coordinators'"
                        + " APIs%n",
                options.schedules, options.interval.toSeconds(), options.window.toSeconds(),
                (options.window.toMillis() + options.interval.toMillis() - 1) / options.interval.toMillis(), REGION,
                TIMEOUT_MS, options.parallelism));
        out.append("- stack: LocalStack (embedded PostgreSQL, one Kafka broker, one agent), a fresh one per"
                + " configuration; coordinator properties ").append(describeProperties()).append('\n');
        out.append("- lateness = schedule_firings.fired_at − fire_time (the claiming transaction's clock);"
                + " to probe start = the agent's started_at − fire_time\n");
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores; JDK ")
                .append(System.getProperty("java.version")).append("; work directory ").append(base).append('\n');
        for (Run run : runs) {
            if (run.skipped != null) {
                out.append("- ").append(label(run)).append(": ").append(run.skipped).append('\n');
                continue;
            }
            out.append(String.format(Locale.ROOT, "- %s: started %s, %.0f s in all; created %,d (%d failed) in %.1f s"
                            + " (%.0f/s); from the last creation to the end of the watch %.0f firings/s (demand"
                            + " %.0f/s);"
                            + " paused with %d failure(s); the listener accepted %,d connections (runs after the"
                            + " windows included); all cores %.0f%% busy in the 5 s before the stack started (after"
                            + " %d s of waiting for a quieter machine); load average (1/5/15 min) before %s, after"
                            + " creation %s, at the end of the window %s; all cores"
                            + " %.0f%% busy from the first creation to the end of the window; CPU seconds in that"
                            + " time: %s%n",
                    label(run), run.started.truncatedTo(ChronoUnit.SECONDS), seconds(run.wall), run.createdOk,
                    run.createFailed, seconds(run.createTook), run.createdOk / Math.max(0.001, seconds(run.createTook)),
                    run.audit.firingsPerSecond(), run.createdOk / seconds(options.interval), run.pauseFailed,
                    run.accepted, run.busyBefore, run.waitedForQuiet, run.loadBefore, run.loadAfterCreate,
                    run.loadAfter, run.busyPercent,
                    run.cpuSeconds.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(),
                            e.getValue())).collect(Collectors.joining(", "))));
            run.createFailures.forEach(f -> out.append("  - creation failure: ").append(f).append('\n'));
            if (run.pendingLeft > 0) {
                out.append("  - ").append(run.pendingLeft).append(" run(s) still PENDING when the results were read\n");
            }
            if (run.audit.early() > 0) {
                out.append("  - ").append(run.audit.early()).append(" firing(s) before their due time\n");
            }
        }

        out.append("\n| configuration | schedules | firings expected | found | doubles | missed | off grid"
                + " | lateness p50 | p90 | p99 | max | to probe start p50 / p99 | firings per coordinator"
                + " | runs not DONE | load 1 min before → after | target | result |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---|\n");
        String target = "p99 < " + Percentiles.ms(options.targetP99Ms) + " ms, 0 double, 0 missed";
        boolean allPassed = true;
        for (Run run : runs) {
            if (run.skipped != null) {
                out.append("| ").append(label(run)).append(" |").append(" - |".repeat(14)).append(' ')
                        .append(target).append(" | NOT RUN |\n");
                allPassed = false;
                continue;
            }
            FiringAudit.Result a = run.audit;
            boolean passed = run.passed(options);
            allPassed &= passed;
            out.append(String.format(Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %d | %d | %d | %s ms | %s ms | %s ms | %s ms | %s / %s ms | %s | %s"
                            + " | %s → %s | %s | %s |%n",
                    label(run), a.schedulesInDatabase(), a.expected(), a.found(), a.doubles(), a.missed(), a.offGrid(),
                    Percentiles.ms(a.lateness().p50()), Percentiles.ms(a.lateness().p90()),
                    Percentiles.ms(a.lateness().p99()), Percentiles.ms(a.lateness().max()),
                    Percentiles.ms(a.toProbeStart().p50()), Percentiles.ms(a.toProbeStart().p99()),
                    a.firingsByCoordinator().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")),
                    a.runsNotDone() == 0 ? "0" : a.runsNotDone() + " (" + a.runOutcomes().entrySet().stream()
                            .filter(e -> !e.getKey().equals("DONE")).map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")) + ")",
                    firstField(run.loadBefore), firstField(run.loadAfter), target, passed ? "PASS" : "FAIL"));
        }

        Run one = runs.stream().filter(r -> r.coordinators == 1 && r.audit != null).findFirst().orElse(null);
        Run two = runs.stream().filter(r -> r.coordinators == 2 && r.audit != null).findFirst().orElse(null);
        out.append('\n');
        if (one != null && two != null) {
            double p1 = one.audit.lateness().p99();
            double p2 = two.audit.lateness().p99();
            out.append(String.format(Locale.ROOT, "Ratio two ÷ one coordinator(s): p99 %s ms ÷ %s ms = %s;"
                            + " p50 %s ÷ %s ms = %s.%n", Percentiles.ms(p2), Percentiles.ms(p1), ratio(p2, p1),
                    Percentiles.ms(two.audit.lateness().p50()), Percentiles.ms(one.audit.lateness().p50()),
                    ratio(two.audit.lateness().p50(), one.audit.lateness().p50())));
        } else {
            out.append("Ratio two ÷ one: not measured (both configurations are needed).\n");
        }
        out.append("Overall: ").append(allPassed ? "PASS" : "FAIL").append(" (").append(target)
                .append(", in every configuration run)\n");
        for (Run run : runs) {
            if (run.audit == null) {
                continue;
            }
            // The same target over the due times after the creation burst: what a deployment whose schedules
            // were not all created in the last minute sees. Shown beside the overall verdict, never instead of it.
            Percentiles steady = run.audit.steadyLateness();
            out.append(String.format(Locale.ROOT, "Steady state, %s (due one interval or more after the last"
                            + " creation): %,d firings, lateness p50 %s ms, p99 %s ms, max %s ms: %s%n", label(run),
                    steady.count(), Percentiles.ms(steady.p50()), Percentiles.ms(steady.p99()),
                    Percentiles.ms(steady.max()), steady.count() > 0 && steady.p99() < options.targetP99Ms
                            && run.audit.doubles() == 0 && run.audit.missed() == 0 ? "PASS" : "FAIL"));
        }

        for (Run run : runs) {
            if (run.audit == null) {
                continue;
            }
            out.append("\nLateness by due time, ").append(label(run)).append(" (slices of ")
                    .append(options.interval.toSeconds()).append(" s from the first creation):\n\n");
            out.append("| due time from | firings | p50 | p99 | max |\n|---:|---:|---:|---:|---:|\n");
            for (FiringAudit.Slice slice : run.audit.timeline()) {
                Percentiles p = slice.lateness();
                out.append(String.format(Locale.ROOT, "| %d s | %,d | %s ms | %s ms | %s ms |%n", slice.fromSeconds(),
                        p.count(), Percentiles.ms(p.p50()), Percentiles.ms(p.p99()), Percentiles.ms(p.max())));
            }
        }
        System.out.print(out);
        System.out.flush();
        Files.writeString(base.resolve("report.md"), out);
        log("report written to " + base.resolve("report.md"));
        return allPassed;
    }

    private String describeProperties() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("parallax.schedules.max-per-owner", Integer.toString(Math.max(100_000, options.schedules)));
        shown.put("parallax.schedules.min-interval", options.interval.toString());
        shown.putAll(options.coordinatorProperties);
        return shown.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))
                + " (others: the coordinator's defaults)";
    }

    private static String label(Run run) {
        return run.coordinators == 1 ? "one coordinator" : run.coordinators + " coordinators";
    }

    private static String firstField(String load) {
        int space = load.indexOf(' ');
        return space < 0 ? load : load.substring(0, space);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private void sleepUntil(Instant until) throws InterruptedException {
        long millis = Math.min(Duration.between(Instant.now(), until).toMillis(), remaining().toMillis());
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static void log(String line) {
        System.err.printf("[schedules %s] %s%n", java.time.LocalTime.now().truncatedTo(ChronoUnit.SECONDS), line);
    }

    /** Command-line options; every one has a default. */
    private static final class Options {
        int schedules = 2_000;
        Duration interval = Duration.ofSeconds(10);
        Duration window = Duration.ofSeconds(60);
        Duration margin = Duration.ofSeconds(5);
        int parallelism = 16;
        Duration budget = Duration.ofSeconds(1_200);
        List<Integer> configs = List.of(1, 2);
        double targetP99Ms = 1_000;
        Duration quietWait = Duration.ofSeconds(120);
        int quietBelowPercent = 30;
        Path repoRoot = Path.of(System.getProperty("parallax.repo.root", ".")).toAbsolutePath().normalize();
        Path workDir;
        final Map<String, String> coordinatorProperties = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("-h") || name.equals("--help")) {
                    throw new IllegalArgumentException("see the class comment of ScheduleLatencyBench or"
                            + " bench/schedules.sh --help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--schedules" -> o.schedules = bounded(name, value, 1, 100_000);
                    case "--interval-s" -> o.interval = Duration.ofSeconds(bounded(name, value, 1, 3_600));
                    case "--window-s" -> o.window = Duration.ofSeconds(bounded(name, value, 1, 3_600));
                    case "--margin-s" -> o.margin = Duration.ofSeconds(bounded(name, value, 0, 600));
                    case "--parallelism" -> o.parallelism = bounded(name, value, 1, 256);
                    case "--budget-s" -> o.budget = Duration.ofSeconds(bounded(name, value, 60, 86_400));
                    case "--target-p99-ms" -> o.targetP99Ms = bounded(name, value, 1, 3_600_000);
                    case "--quiet-wait-s" -> o.quietWait = Duration.ofSeconds(bounded(name, value, 0, 3_600));
                    case "--quiet-below-pct" -> o.quietBelowPercent = bounded(name, value, 1, 100);
                    case "--configs" -> o.configs = parseConfigs(value);
                    case "--repo-root" -> o.repoRoot = Path.of(value).toAbsolutePath().normalize();
                    case "--work-dir" -> o.workDir = Path.of(value).toAbsolutePath().normalize();
                    case "--coordinator-property" -> {
                        int eq = value.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--coordinator-property wants key=value, not " + value);
                        }
                        o.coordinatorProperties.put(value.substring(0, eq), value.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return o;
        }

        private static List<Integer> parseConfigs(String value) {
            List<Integer> configs = new ArrayList<>();
            for (String part : value.split(",")) {
                configs.add(bounded("--configs", part.trim(), 1, 4));
            }
            return List.copyOf(configs);
        }

        private static int bounded(String name, String value, int min, int max) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                    + ", not " + value);
        }
    }
}
