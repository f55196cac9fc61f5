package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;
import dev.parallax.local.LocalStackBuilder;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * The whole stack as users feel it: the local stack with three regions whose agents run in network
 * namespaces and probe the benchmark's own target namespace, driven over the REST API. Prints one table:
 * end-to-end latency of sequential checks (seen by the client on the check's event stream), throughput at
 * rising open-loop rates, verdict rows stored per second, and the processes' memory; next to the floors measured
 * in the same run on the same broker and database (a PostgreSQL commit, two Kafka hops).
 *
 * <p>Every loop is bounded by a count and by the run's time budget. Traffic goes only to the stack's loopback
 * ports and to the target namespace's address, which the stack created.
 */
public final class SystemBench {

    private final SystemBenchOptions options;
    private final long deadlineNanos;
    private final SystemReport report = new SystemReport();

    private SystemBench(SystemBenchOptions options) {
        this.options = options;
        this.deadlineNanos = System.nanoTime() + options.budget().toNanos();
    }

    public static void main(String[] args) throws Exception {
        SystemBenchOptions options;
        try {
            options = SystemBenchOptions.parse(args);
        } catch (RuntimeException e) {
            System.err.println("SystemBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new SystemBench(options).run());
    }

    private int run() throws Exception {
        Files.createDirectories(options.workDir());
        LocalStackBuilder builder = LocalStack.builder()
                .repoRoot(options.repoRoot())
                .workDir(options.workDir().resolve("stack"))
                .regions(SystemRun.REGIONS)
                .vantageNamespaces(options.namespaces())
                .coordinatorProperties(IngesterCapacityPhase.withSyntheticRegions(options.coordinatorProperties()))
                .coordinatorJvmOptions(options.coordinatorJvm())
                .agentJvmOptions(options.agentJvm())
                .progress(line -> log("[stack] " + line));
        try (LocalStack stack = builder.build().start();
             Connection db = stack.postgres().connect();
             StackBacklog backlog = new StackBacklog(stack.postgres().connect(), stack.kafkaBootstrap(),
                     SystemRun.REGIONS);
             // HTTP/1.1, as the figures in docs/benchmarks.md were measured.
             ParallaxClient api = ParallaxClient.builder(stack.apiBaseUri()).version(HttpClient.Version.HTTP_1_1)
                     .build()) {
            String target = stack.vantageNetwork().map(n -> n.targetAddress().getHostAddress()).orElse("127.0.0.1");
            SystemRun run = new SystemRun(options, stack, api, db, backlog, target, deadlineNanos, report);
            Map<String, ProcessHandle> processes = stack.processes();
            Map<String, Long> started = StackProcesses.rss(processes);
            // Idle means quiet: the JVMs compile and their start-up allocations are handed back for a while after
            // they answer ready.
            StackProcesses.settle(processes);
            Map<String, Long> idle = StackProcesses.rss(processes);
            log("target " + target + ":" + SystemRun.OPEN_PORT + "; RSS when ready " + started + ", idle " + idle);

            new WarmUpPhase(run).run();
            StackProcesses.settle(processes);
            Map<String, Long> warm = StackProcesses.rss(processes);
            FloorsPhase.Floors floors = new FloorsPhase(run).measure();
            new LatencyPhase(run).run(floors);
            int afterLatency = report.mark();
            ThroughputPhase throughput = new ThroughputPhase(run);
            List<ThroughputPhase.RateResult> rates = throughput.run();
            Map<String, Long> loaded = StackProcesses.rss(processes);
            // Before the ingestion phase, whose 100-port jobs keep the agents busy long after its window.
            new IngesterCapacityPhase(run).run();
            new IngestionPhase(run).run();
            report.append(new MemoryReadings(started, idle, warm, loaded).table(options.coordinatorJvm(),
                    options.agentJvm()));
            report.insert(afterLatency, throughput.table(rates));
        }
        Path out = options.workDir().resolve("report.md");
        report.publish(out);
        log("report: " + out);
        return 0;
    }

    static void log(String line) {
        System.err.printf("[SystemBench %tT] %s%n", System.currentTimeMillis(), line);
    }
}
