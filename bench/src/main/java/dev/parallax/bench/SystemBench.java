package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.local.LocalStack;
import dev.parallax.local.LocalStackBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The whole stack as users feel it (issue 10): the local stack with three regions whose agents run in network
 * namespaces and probe the benchmark's own target namespace, driven over the REST API. Prints one table:
 * end-to-end latency of sequential checks (seen by the client on the check's event stream), throughput at
 * rising open-loop rates, verdict rows stored per second, and the processes' memory; next to the floors measured
 * in the same run on the same broker and database (a PostgreSQL commit, two Kafka hops).
 *
 * <p>Every loop is bounded by a count and by the run's time budget. Traffic goes only to the stack's loopback
 * ports and to the target namespace's address, which the stack created.
 */
public final class SystemBench {

    private static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");
    /**
     * Regions the coordinator knows and no agent serves: the ingester-capacity phase answers their jobs itself, so
     * that the verdicts arrive faster than the ingester can store them.
     */
    private static final List<String> SYNTHETIC_REGIONS = List.of("bench-x", "bench-y", "bench-z");
    private static final int OPEN_PORT = 80;
    /** Below this the stack counts as idle: its idle timers and polls use about 0.2 of a core together. */
    private static final double QUIET_CORES = 0.35;

    private final Options options;
    private final long deadlineNanos;
    private final StringBuilder report = new StringBuilder();

    private SystemBench(Options options) {
        this.options = options;
        this.deadlineNanos = System.nanoTime() + options.budget.toNanos();
    }

    /** Command-line options. */
    record Options(Path repoRoot, Path workDir, int warmupChecks, int latencyWarmupChecks, int latencyChecks,
                   List<Integer> rates, Duration rateWindow,
                   int ingestRate, Duration ingestWindow, int capacityChecks, Duration budget, boolean namespaces,
                   Map<String, String> coordinatorProperties, List<String> coordinatorJvm, List<String> agentJvm) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
                }
                values.put(args[i].substring(2), args[++i]);
            }
            return new Options(Path.of(values.getOrDefault("repo-root", ".")).toAbsolutePath(),
                    Path.of(values.getOrDefault("work-dir", "bench/target/system")).toAbsolutePath(),
                    Integer.parseInt(values.getOrDefault("warmup-checks", "3000")),
                    Integer.parseInt(values.getOrDefault("latency-warmup-checks", "2000")),
                    Integer.parseInt(values.getOrDefault("latency-checks", "1000")),
                    Stream.of(values.getOrDefault("rates", "250,500,1000,2000").split(","))
                            .map(String::strip).map(Integer::parseInt).toList(),
                    Duration.ofSeconds(Long.parseLong(values.getOrDefault("rate-seconds", "30"))),
                    Integer.parseInt(values.getOrDefault("ingest-rate", "200")),
                    Duration.ofSeconds(Long.parseLong(values.getOrDefault("ingest-seconds", "20"))),
                    Integer.parseInt(values.getOrDefault("capacity-checks", "1000")),
                    Duration.ofSeconds(Long.parseLong(values.getOrDefault("budget-s", "1200"))),
                    !"false".equals(values.getOrDefault("namespaces", "true")),
                    properties(values.getOrDefault("coordinator-properties", "")),
                    jvmOptions(values.get("coordinator-jvm"), LocalStack.COORDINATOR_JVM_OPTIONS),
                    jvmOptions(values.get("agent-jvm"), LocalStack.AGENT_JVM_OPTIONS));
        }

        /** Space-separated JVM options, for trying them without a rebuild; the stack's own when not given. */
        private static List<String> jvmOptions(String text, List<String> defaults) {
            return text == null ? defaults : Stream.of(text.strip().split("\\s+")).filter(o -> !o.isEmpty()).toList();
        }

        /** {@code key=value;key=value}, for trying a setting without a rebuild. */
        private static Map<String, String> properties(String text) {
            Map<String, String> properties = new LinkedHashMap<>();
            for (String pair : text.split(";")) {
                if (!pair.isBlank()) {
                    int equals = pair.indexOf('=');
                    if (equals < 1) {
                        throw new IllegalArgumentException("not key=value: " + pair);
                    }
                    properties.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
                }
            }
            return properties;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("SystemBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new SystemBench(options).run());
    }

    private int run() throws Exception {
        Files.createDirectories(options.workDir);
        LocalStackBuilder builder = LocalStack.builder()
                .repoRoot(options.repoRoot)
                .workDir(options.workDir.resolve("stack"))
                .regions(REGIONS)
                .vantageNamespaces(options.namespaces)
                .coordinatorProperties(withSyntheticRegions(options.coordinatorProperties))
                .coordinatorJvmOptions(options.coordinatorJvm)
                .agentJvmOptions(options.agentJvm)
                .progress(line -> log("[stack] " + line));
        try (LocalStack stack = builder.build().start();
             Connection db = stack.postgres().connect();
             StackBacklog backlog = new StackBacklog(stack.postgres().connect(), stack.kafkaBootstrap(), REGIONS);
             // HTTP/1.1, as the figures in docs/benchmarks.md were measured.
             ParallaxClient api = ParallaxClient.builder(stack.apiBaseUri()).version(HttpClient.Version.HTTP_1_1)
                     .build()) {
            String target = stack.vantageNetwork().map(n -> n.targetAddress().getHostAddress()).orElse("127.0.0.1");
            Map<String, ProcessHandle> processes = stack.processes();
            Map<String, Long> started = rss(processes);
            // Idle means quiet: the JVMs compile and their start-up allocations are handed back for a while after
            // they answer ready.
            settle(processes);
            Map<String, Long> idle = rss(processes);
            log("target " + target + ":" + OPEN_PORT + "; RSS when ready " + started + ", idle " + idle);

            warmUp(api, target);
            settle(processes);
            Map<String, Long> warm = rss(processes);
            Floors floors = measureFloors(stack, db);
            latencyPhase(api, db, stack, target, floors);
            int afterLatency = report.length();
            List<RateResult> rates = throughputPhase(api, db, backlog, stack, target);
            Map<String, Long> loaded = rss(processes);
            // Before the ingestion phase, whose 100-port jobs keep the agents busy long after its window.
            ingesterCapacityPhase(api, db, stack, target);
            ingestionPhase(api, db, backlog, target);
            memoryTable(started, idle, warm, loaded);
            report.insert(afterLatency, rateTable(rates));
        }
        Path out = options.workDir.resolve("report.md");
        Files.writeString(out, report.toString());
        System.out.println(report);
        log("report: " + out);
        return 0;
    }

    // ---- warm-up: what a production stack has long behind it ----

    private static final Duration WARM_UP_AT_MOST = Duration.ofSeconds(120);
    private static final int WARM_UP_CLIENTS = 8;

    /**
     * Checks followed to their end by a few concurrent clients, unmeasured: until the JIT has compiled the paths, a
     * check takes about twice as long (p50 51 ms after 50 checks, 26 ms over 3,000), which no long-running stack
     * shows its users. Bounded by count and time.
     */
    private void warmUp(ParallaxClient api, String target) throws InterruptedException {
        if (options.warmupChecks <= 0) {
            return;
        }
        String body = check(target, "[" + OPEN_PORT + "]");
        AtomicInteger left = new AtomicInteger(options.warmupChecks);
        AtomicInteger failed = new AtomicInteger();
        long until = System.nanoTime() + WARM_UP_AT_MOST.toNanos();
        long started = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < WARM_UP_CLIENTS; i++) {
            clients.add(Thread.ofPlatform().name("warm-up-" + i).start(() -> {
                while (left.getAndDecrement() > 0 && System.nanoTime() < until && withinBudget()) {
                    try {
                        FollowedCheck.follow(api, body);
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        int done = options.warmupChecks - Math.max(0, left.get()) - failed.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        log(String.format(Locale.ROOT, "warm-up: %d checks followed to COMPLETE in %.0f s (%d failed)", done, seconds,
                failed.get()));
        report.append(String.format(Locale.ROOT, """

                Warm-up, not measured: %d checks followed to `complete` by %d concurrent clients in %.0f s (%d failed),
                so that the JIT has compiled the paths, as in any stack that has run for a while.
                """, done, WARM_UP_CLIENTS, seconds, failed.get()));
    }

    // ---- floors: what the stack cannot beat, measured now on the same broker and database ----

    private record Floors(Percentiles commit, Percentiles twoHops) {
    }

    private Floors measureFloors(LocalStack stack, Connection db) throws Exception {
        double[] commits = new double[1000];
        db.setAutoCommit(false);
        try (Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TEMP TABLE bench_commit_floor (id bigserial PRIMARY KEY, at timestamptz)");
            db.commit();
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO bench_commit_floor (at) VALUES (now())")) {
            for (int i = 0; i < commits.length; i++) {
                long start = System.nanoTime();
                insert.executeUpdate();
                db.commit();
                commits[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        db.setAutoCommit(true);

        String ping = "bench.floor.ping." + UUID.randomUUID();
        String pong = "bench.floor.pong." + UUID.randomUUID();
        double[] hops = new double[500];
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(stack.kafkaBootstrap()));
             KafkaConsumer<String, String> pings = consumer(stack.kafkaBootstrap(), ping);
             KafkaConsumer<String, String> pongs = consumer(stack.kafkaBootstrap(), pong)) {
            producer.send(new ProducerRecord<>(ping, "warm", "up")).get();
            producer.send(new ProducerRecord<>(pong, "warm", "up")).get();
            drain(pings, 1);
            drain(pongs, 1);
            for (int i = 0; i < hops.length && withinBudget(); i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(ping, "k", Integer.toString(i))).get();
                drain(pings, 1);
                producer.send(new ProducerRecord<>(pong, "k", Integer.toString(i))).get();
                drain(pongs, 1);
                hops[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Floors floors = new Floors(Percentiles.of(commits), Percentiles.of(hops));
        log(String.format(Locale.ROOT, "floors: PostgreSQL commit p50 %.2f ms p99 %.2f ms; two Kafka hops p50 %.2f ms"
                + " p99 %.2f ms", floors.commit.p50(), floors.commit.p99(), floors.twoHops.p50(), floors.twoHops.p99()));
        return floors;
    }

    private static Properties producerConfig(String bootstrap) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-floor-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void drain(KafkaConsumer<String, String> consumer, int records) {
        int seen = 0;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen < records && System.nanoTime() < giveUp) {
            for (ConsumerRecord<String, String> ignored : consumer.poll(Duration.ofMillis(100))) {
                seen++;
            }
        }
        if (seen < records) {
            throw new IllegalStateException("the floor's consumer saw " + seen + " of " + records + " records in 30 s");
        }
    }

    // ---- 1. latency: sequential checks, submit -> COMPLETE seen on the event stream ----

    private void latencyPhase(ParallaxClient api, Connection db, LocalStack stack, String target, Floors floors)
            throws Exception {
        String body = check(target, "[" + OPEN_PORT + "]");
        for (int i = 0; i < options.latencyWarmupChecks && withinBudget(); i++) {
            FollowedCheck.follow(api, body);
        }
        List<Double> latencies = new ArrayList<>();
        List<FollowedCheck> followedChecks = new ArrayList<>();
        List<Double> posts = new ArrayList<>();
        Map<String, Long> cpuBefore = CpuUse.sample(stack.processes());
        Map<String, Long> jitBefore = CpuUse.sampleCompilers(stack.processes());
        long started = System.nanoTime();
        for (int i = 0; i < options.latencyChecks && withinBudget(); i++) {
            FollowedCheck followed = FollowedCheck.follow(api, body);
            latencies.add(followed.millis());
            posts.add(followed.acceptedMillis());
            followedChecks.add(followed);
        }
        long wallNanos = System.nanoTime() - started;
        Map<String, Long> cpuAfter = CpuUse.sample(stack.processes());
        Map<String, Long> jitAfter = CpuUse.sampleCompilers(stack.processes());
        double seconds = wallNanos / 1e9;
        Percentiles p = Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray());
        double p95 = Percentiles.at(latencies, 0.95);
        double floorP50 = floors.commit.p50() + floors.twoHops.p50();
        double floorP99 = floors.commit.p99() + floors.twoHops.p99();
        report.append(String.format(Locale.ROOT, """

                ### 1. Latency: %d sequential checks, 1 open port, 3 regions (%.0f s)

                Client-measured, from sending the POST to reading `complete` on the check's event stream, after %d
                unmeasured sequential checks.

                | | p50 | p95 | p99 | max |
                |---|---:|---:|---:|---:|
                | Parallax, submit to COMPLETE | %.1f ms | %.1f ms | %.1f ms | %.1f ms |
                | of which: the POST answered 202 | %.1f ms | %.1f ms | %.1f ms | |
                | floor: one PostgreSQL commit + two Kafka hops (same run) | %.1f ms | | %.1f ms | |
                | ratio Parallax / floor | %.1f× | | %.1f× | |
                | target | ≤ 10 ms | | ≤ 40 ms | |
                """, p.count(), seconds, options.latencyWarmupChecks, p.p50(), p95, p.p99(), p.max(), Percentiles.at(posts, 0.5),
                Percentiles.at(posts, 0.95), Percentiles.at(posts, 0.99), floorP50, floorP99, p.p50() / floorP50,
                p.p99() / floorP99));
        log(String.format(Locale.ROOT, "latency: %d checks p50 %.1f ms p95 %.1f ms p99 %.1f ms", p.count(), p.p50(), p95,
                p.p99()));
        report.append(breakdown(db, stack.kafkaBootstrap(), followedChecks));
        report.append(latencyCpu(cpuBefore, cpuAfter, jitBefore, jitAfter, wallNanos, followedChecks.size()));
    }

    /**
     * The CPU one sequential check costs each process, against the wall time it takes: on 2 cores, a check whose
     * processes burn more than its latency's worth of CPU on both cores cannot get faster by waiting less.
     */
    private static String latencyCpu(Map<String, Long> before, Map<String, Long> after, Map<String, Long> jitBefore,
                                     Map<String, Long> jitAfter, long wallNanos, int checks) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """

                CPU per sequential check over the phase (all threads of each process, %d checks, %.1f ms of wall
                time each; the machine has %d cores). The second row is the part of it the JIT compilers spent:
                a stack warmed up by concurrent clients still compiles for the sequential ones.

                | | coordinator | agents (3) | kafka | postgres | client | all | cores busy on average |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """, checks, wallNanos / 1e6 / Math.max(1, checks), Runtime.getRuntime().availableProcessors()));
        table.append(cpuRow("all threads", before, after, wallNanos, checks));
        table.append(cpuRow("of which JIT compiler threads", jitBefore, jitAfter, wallNanos, checks));
        return table.toString();
    }

    private static String cpuRow(String what, Map<String, Long> before, Map<String, Long> after, long wallNanos,
                                 int checks) {
        StringBuilder row = new StringBuilder("| " + what + " ");
        double all = 0;
        for (String role : CpuUse.ROLES) {
            double millis = (after.get(role) - before.get(role)) / 1e6 / Math.max(1, checks);
            all += millis;
            row.append(String.format(Locale.ROOT, "| %.2f ms ", millis));
        }
        return row.append(String.format(Locale.ROOT, "| %.2f ms | %.2f |%n", all,
                all * Math.max(1, checks) * 1e6 / wallNanos)).toString();
    }

    /**
     * Where a check's time goes, per region: the rows' timestamps (coordinator and agent clocks), the Kafka records'
     * CreateTime (the relay's and the agent's producer) and the client's own clock. Every process runs on this one
     * machine, so the clocks agree. PostgreSQL's {@code now()} in the stored rows is its transaction's start.
     */
    private static String breakdown(Connection db, String bootstrap, List<FollowedCheck> followed) throws Exception {
        Map<UUID, FollowedCheck> byId = new LinkedHashMap<>();
        followed.forEach(f -> byId.put(f.id(), f));
        RecordTimes records = RecordTimes.read(bootstrap, REGIONS, byId.keySet());
        String[] names = {"POST sent → check accepted (HTTP, auth, quota, validation)",
                "accepted → job record produced (rest of the submission, commit, relay)",
                "job produced → agent starts the job (Kafka, the agent's poll and dispatch)",
                "the job on the agent (probe)",
                "job done → verdict record produced (the agent's send)",
                "verdict produced → region stored (Kafka, ingester's poll, its transaction's start)",
                "check COMPLETE stored → client reads `complete` (commit, wake-up, read, SSE)",
                "accepted → check COMPLETE stored"};
        List<List<Double>> columns = Stream.generate(() -> (List<Double>) new ArrayList<Double>())
                .limit(names.length).toList();
        try (PreparedStatement query = db.prepareStatement("""
                SELECT c.id, r.region, EXTRACT(EPOCH FROM c.created_at) * 1000, EXTRACT(EPOCH FROM r.started_at) * 1000,
                       EXTRACT(EPOCH FROM r.finished_at) * 1000, EXTRACT(EPOCH FROM r.updated_at) * 1000,
                       EXTRACT(EPOCH FROM c.completed_at) * 1000
                  FROM checks c JOIN region_results r ON r.check_id = c.id
                 WHERE c.id = ANY (?) AND r.status = 'DONE'
                """)) {
            query.setArray(1, db.createArrayOf("uuid", byId.keySet().toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    RecordTimes.Key key = new RecordTimes.Key(id, rows.getString(2));
                    double accepted = rows.getDouble(3);
                    double started = rows.getDouble(4);
                    double finished = rows.getDouble(5);
                    double stored = rows.getDouble(6);
                    double complete = rows.getDouble(7);
                    FollowedCheck client = byId.get(id);
                    Long job = records.jobs.get(key);
                    Long verdict = records.verdicts.get(key);
                    columns.get(0).add(accepted - client.sentEpochMillis());
                    if (job != null) {
                        columns.get(1).add(job - accepted);
                        columns.get(2).add(started - job);
                    }
                    columns.get(3).add(finished - started);
                    if (verdict != null) {
                        columns.get(4).add(verdict - finished);
                        columns.get(5).add(stored - verdict);
                    }
                    columns.get(6).add(client.completeSeenEpochMillis() - complete);
                    columns.get(7).add(complete - accepted);
                }
            }
        }
        StringBuilder table = new StringBuilder("""

                Where the time goes (per region; rows' timestamps, Kafka records' CreateTime, the client's clock):

                | stage | p50 | p99 |
                |---|---:|---:|
                """);
        for (int i = 0; i < names.length; i++) {
            table.append(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms |%n", names[i],
                    Percentiles.at(columns.get(i), 0.50), Percentiles.at(columns.get(i), 0.99)));
        }
        return table.toString();
    }

    // ---- 2. throughput: open-loop rates ----

    private record RateResult(int rate, int submitted, int accepted, int refused, double acceptedPerSecond,
                              double completedPerSecond, double sustainedPerSecond, Percentiles latency,
                              int unanswered, int unfinished, double outboxBacklog, double jobsLag,
                              double verdictsLag, double coordinatorRss, String regionsNotDone, CpuUse cpu) {
    }

    /**
     * CPU the processes used from a window's start until its checks completed (or the patience after it ran out),
     * by role: cores on average, and milliseconds per completed check (an agent's per job: one of the three).
     */
    private record CpuUse(Map<String, Double> cores, double coordinatorMsPerCheck, double agentMsPerJob) {

        static final List<String> ROLES = List.of("coordinator", "agents", "kafka", "postgres", "client");
        /** {@code USER_HZ}: the unit of {@code /proc}'s CPU times, 100 on every Linux this runs on. */
        static final long CLOCK_TICKS_PER_SECOND = 100;

        static Map<String, Long> sample(Map<String, ProcessHandle> processes) {
            // PostgreSQL's work is in its backends, children of the postmaster.
            return byRole(processes,
                    process -> cpuNanos(process) + process.descendants().mapToLong(SystemBench::cpuNanos).sum(),
                    cpuNanos(ProcessHandle.current()));
        }

        /**
         * CPU the JIT compiler threads of each role's processes used so far ({@code C1 CompilerThre…},
         * {@code C2 CompilerThre…}, from {@code /proc/<pid>/task}). HotSpot keeps at least one thread of each
         * compiler alive, and on 2 cores it starts no more, so what one sample sees the next one sees too.
         */
        static Map<String, Long> sampleCompilers(Map<String, ProcessHandle> processes) {
            return byRole(processes, process -> compilerNanos(process.pid()),
                    compilerNanos(ProcessHandle.current().pid()));
        }

        /** Nanoseconds per role: the agents' summed, this harness's own as the client's. */
        private static Map<String, Long> byRole(Map<String, ProcessHandle> processes,
                                                ToLongFunction<ProcessHandle> nanosOf, long client) {
            Map<String, Long> nanos = new LinkedHashMap<>();
            ROLES.forEach(role -> nanos.put(role, 0L));
            processes.forEach((name, process) -> {
                String role = name.startsWith("agent") ? "agents" : name;
                if (nanos.containsKey(role)) {
                    nanos.merge(role, nanosOf.applyAsLong(process), Long::sum);
                }
            });
            nanos.put("client", client);
            return nanos;
        }

        private static long compilerNanos(long pid) {
            long ticks = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(open + 1, close);
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        // After the name: state, then fields 4..; utime and stime are fields 14 and 15.
                        String[] fields = stat.substring(close + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
        }

        static CpuUse between(Map<String, Long> before, Map<String, Long> after, long wallNanos, int completed) {
            Map<String, Double> cores = new LinkedHashMap<>();
            ROLES.forEach(role -> cores.put(role, (after.get(role) - before.get(role)) / (double) wallNanos));
            double perCheck = Math.max(1, completed);
            return new CpuUse(cores, (after.get("coordinator") - before.get("coordinator")) / 1e6 / perCheck,
                    (after.get("agents") - before.get("agents")) / 1e6 / perCheck / REGIONS.size());
        }
    }

    /** The stack as the harness read it when the window's last submission went out. */
    private record WindowEnd(int unanswered, int unfinished, double outboxBacklog, double jobsLag,
                             double verdictsLag, double coordinatorRss) {
    }

    private List<RateResult> throughputPhase(ParallaxClient api, Connection db, StackBacklog backlog, LocalStack stack,
                                             String target)
            throws Exception {
        List<RateResult> results = new ArrayList<>();
        String body = check(target, "[" + OPEN_PORT + "]");
        for (int rate : options.rates) {
            if (!withinBudget()) {
                log("time budget spent: rate " + rate + " not run");
                break;
            }
            log("open loop at " + rate + " checks/s for " + options.rateWindow.toSeconds() + " s");
            AtomicReference<WindowEnd> atEnd = new AtomicReference<>();
            Map<String, Long> cpuBefore = CpuUse.sample(stack.processes());
            long cpuFrom = System.nanoTime();
            AtomicInteger acceptedInWindow = new AtomicInteger();
            // The state at the end of the window is what says whether the stack keeps up: read it there, while
            // submissions may still wait for their answer, not after they all came back.
            OpenLoop load = OpenLoop.run(api, body, rate, options.rateWindow, deadlineNanos, (accepted, unanswered) -> {
                acceptedInWindow.set(accepted.size());
                StackBacklog.Reading waiting = backlog.read();
                atEnd.set(new WindowEnd(unanswered, pending(db, accepted), waiting.outboxRows(), waiting.jobsLag(),
                        waiting.verdictsLag(), rss(stack.processes()).getOrDefault("coordinator", 0L) / 1e6));
            });
            WindowEnd end = atEnd.get();
            // Then give the stack the window once more to finish what it accepted.
            awaitCompletion(db, load.ids(), options.rateWindow);
            CpuUse cpu = CpuUse.between(cpuBefore, CpuUse.sample(stack.processes()), System.nanoTime() - cpuFrom,
                    load.ids().size() - pending(db, load.ids()));
            Completion completion = completion(db, load.ids(), load.startedEpochMillis(),
                    load.startedEpochMillis() + options.rateWindow.toMillis());
            RateResult result = new RateResult(rate, load.submitted(), load.ids().size(), load.refused(),
                    acceptedInWindow.get() / (double) options.rateWindow.toSeconds(),
                    completion.inWindow() / (double) options.rateWindow.toSeconds(), completion.sustained(),
                    completion.latency(), end.unanswered(), end.unfinished(), end.outboxBacklog(), end.jobsLag(),
                    end.verdictsLag(), end.coordinatorRss(), regionsNotDone(db, load.ids()), cpu);
            results.add(result);
            log(String.format(Locale.ROOT, "rate %d: accepted %d (%.0f/s within the window), refused %d, completed"
                            + " %.0f/s in the window, %.0f/s sustained, p99 %.0f ms; at the window's end %d"
                            + " unanswered, %d unfinished, backlog %.0f, jobs lag %.0f, verdicts lag %.0f;"
                            + " regions not DONE: %s",
                    rate, result.accepted, result.acceptedPerSecond, result.refused, result.completedPerSecond,
                    result.sustainedPerSecond, result.latency.p99(), end.unanswered(), end.unfinished(),
                    end.outboxBacklog(), end.jobsLag(), end.verdictsLag(), result.regionsNotDone));
        }
        return results;
    }

    private String rateTable(List<RateResult> results) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """

                ### 2. Throughput: open-loop rates, 3 regions × 1 port, %d s each

                Submitted at the rate whatever the answers (at most 4,000 requests in flight; more are counted
                refused, as is every answer but 202: mostly the coordinator's 503 `overloaded`, past its bound of
                requests in flight). *Accepted/s*: 202 answers received within the window. *Completed in the window*: checks
                whose every region ended DONE within it. *Sustained*: all of them over the time from the window's
                start to the last one's completion. Latency is from acceptance to completion as stored. Unanswered
                submissions, unfinished checks, outbox backlog, jobs and verdicts lag are read when the window's last
                submission goes out, by the harness from PostgreSQL and the broker (the coordinator's own gauges
                cannot answer then); the stack then gets the window again to finish.
                *Regions not DONE*: after that, the regions of the window's checks that ended otherwise.

                | rate (checks/s) | accepted/s | refused | completed/s in the window | sustained completed/s | p50 | p99 | unanswered at the end | unfinished at the end | outbox backlog | jobs lag | verdicts lag | coordinator RSS | regions not DONE |
                |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
                """, options.rateWindow.toSeconds()));
        for (RateResult r : results) {
            table.append(String.format(Locale.ROOT,
                    "| %d | %.0f | %d | %.0f | %.0f | %.0f ms | %.0f ms | %d | %d | %.0f | %.0f | %.0f | %.0f MB | %s |%n",
                    r.rate, r.acceptedPerSecond, r.refused, r.completedPerSecond, r.sustainedPerSecond,
                    r.latency.p50(), r.latency.p99(), r.unanswered, r.unfinished, r.outboxBacklog, r.jobsLag,
                    r.verdictsLag, r.coordinatorRss, r.regionsNotDone));
        }
        table.append("\nTarget: 2,000 checks/s sustained with no growing backlog.\n");
        table.append("""

                CPU from each window's start until its checks completed: cores on average (the machine has %d),
                and CPU milliseconds per completed check (the coordinator's) or per job (one agent's).

                | rate (checks/s) | coordinator | agents (%d) | kafka | postgres | client (this harness) | coordinator ms per check | agent ms per job |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """.formatted(Runtime.getRuntime().availableProcessors(), REGIONS.size()));
        for (RateResult r : results) {
            Map<String, Double> cores = r.cpu.cores();
            table.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", r.rate,
                    cores.get("coordinator"), cores.get("agents"), cores.get("kafka"), cores.get("postgres"),
                    cores.get("client"), r.cpu.coordinatorMsPerCheck(), r.cpu.agentMsPerJob()));
        }
        return table.toString();
    }

    private record Completion(int inWindow, double sustained, Percentiles latency) {
    }

    private static void awaitCompletion(Connection db, List<UUID> ids, Duration patience) throws Exception {
        long giveUp = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUp && pending(db, ids) > 0) {
            Thread.sleep(500);
        }
    }

    /** The regions of these checks that ended other than DONE, by status ("none" when all are DONE). */
    private static String regionsNotDone(Connection db, List<UUID> ids) throws Exception {
        StringBuilder statuses = new StringBuilder();
        try (PreparedStatement query = db.prepareStatement("""
                SELECT status, count(*) FROM region_results
                 WHERE check_id = ANY (?) AND status <> 'DONE' GROUP BY status ORDER BY status
                """)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.append(statuses.isEmpty() ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %,d", rows.getString(1), rows.getLong(2)));
                }
            }
        }
        return statuses.isEmpty() ? "none" : statuses.toString();
    }

    private static int pending(Connection db, List<UUID> ids) throws Exception {
        return (int) countOf(db, "SELECT count(*) FROM checks WHERE id = ANY (?) AND status <> 'COMPLETE'", ids);
    }

    /** A {@code count(*)} query whose one parameter is these check ids. */
    private static long countOf(Connection db, String sql, List<UUID> ids) throws Exception {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Completion completion(Connection db, List<UUID> ids, long fromMillis, long toMillis)
            throws Exception {
        List<Double> latencies = new ArrayList<>();
        int inWindow = 0;
        double lastCompleted = fromMillis;
        try (PreparedStatement query = db.prepareStatement("""
                SELECT EXTRACT(EPOCH FROM c.completed_at - c.created_at) * 1000,
                       EXTRACT(EPOCH FROM c.completed_at) * 1000
                  FROM checks c
                 WHERE c.id = ANY (?) AND c.status = 'COMPLETE'
                   AND NOT EXISTS (SELECT 1 FROM region_results r WHERE r.check_id = c.id AND r.status <> 'DONE')
                """)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    latencies.add(rows.getDouble(1));
                    double completedAt = rows.getDouble(2);
                    if (completedAt >= fromMillis && completedAt <= toMillis) {
                        inWindow++;
                    }
                    lastCompleted = Math.max(lastCompleted, completedAt);
                }
            }
        }
        double sustained = latencies.size() / Math.max(1.0, (lastCompleted - fromMillis) / 1000.0);
        return new Completion(inWindow, sustained,
                Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    // ---- 3. ingestion: verdict rows per second under a 100-port x 3-region load ----

    private void ingestionPhase(ParallaxClient api, Connection db, StackBacklog backlog, String target) throws Exception {
        if (!withinBudget()) {
            log("time budget spent: ingestion not run");
            return;
        }
        String body = check(target, "[\"1-100\"]");
        long rowsBefore = count(db, "SELECT count(*) FROM port_results");
        List<double[]> perSecond = new ArrayList<>();
        log("ingestion: " + options.ingestRate + " checks/s of 100 ports x 3 regions for "
                + options.ingestWindow.toSeconds() + " s");
        long start = System.nanoTime();
        AtomicReference<StackBacklog.Reading> atEnd = new AtomicReference<>();
        CompletableFuture<OpenLoop> load = CompletableFuture.supplyAsync(() -> {
            try {
                return OpenLoop.run(api, body, options.ingestRate, options.ingestWindow, deadlineNanos,
                        (accepted, unanswered) -> atEnd.set(backlog.read()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long previous = rowsBefore;
        long previousAt = System.nanoTime();
        long stopSampling = start + options.ingestWindow.toNanos() * 2;
        while (System.nanoTime() < stopSampling && withinBudget()) {
            Thread.sleep(1000);
            long rows = count(db, "SELECT count(*) FROM port_results");
            long now = System.nanoTime();
            long added = rows - previous;
            perSecond.add(new double[] {(now - start) / 1e9, added / ((now - previousAt) / 1e9)});
            previous = rows;
            previousAt = now;
            if (load.isDone() && added == 0) {
                break;
            }
        }
        OpenLoop done = load.get();
        long rowsAfter = count(db, "SELECT count(*) FROM port_results");
        double seconds = (previousAt - start) / 1e9;
        double peak = perSecond.stream().mapToDouble(s -> s[1]).max().orElse(0);
        double mean = (rowsAfter - rowsBefore) / Math.max(0.001, seconds);
        // Which side limits: with jobs waiting for agents the ingester had nothing to store; with verdicts waiting,
        // it was the ingester.
        double jobsLag = atEnd.get() == null ? Double.NaN : atEnd.get().jobsLag();
        double verdictsLag = atEnd.get() == null ? Double.NaN : atEnd.get().verdictsLag();
        long expected = done.ids().size() * 300L;
        report.append(String.format(Locale.ROOT, """

                ### 3. Ingestion: %d checks/s of 100 ports × 3 regions for %d s (%d accepted)

                | verdict rows stored | of the accepted checks' rows | rows/s, best second | rows/s, mean over %.0f s | jobs lag at the window's end | verdicts lag at the window's end | target |
                |---:|---:|---:|---:|---:|---:|---:|
                | %,d | %.0f %% | %,.0f | %,.0f | %,.0f | %,.0f | ≥ 50,000 rows/s |
                """, options.ingestRate, options.ingestWindow.toSeconds(), done.ids().size(), seconds,
                rowsAfter - rowsBefore, 100.0 * (rowsAfter - rowsBefore) / Math.max(1, expected), peak, mean,
                jobsLag, verdictsLag));
        log(String.format(Locale.ROOT, "ingestion: %d rows (%.0f %% of the accepted checks'), best second %.0f"
                        + " rows/s, mean %.0f rows/s; at the window's end jobs lag %.0f, verdicts lag %.0f",
                rowsAfter - rowsBefore, 100.0 * (rowsAfter - rowsBefore) / Math.max(1, expected), peak, mean,
                jobsLag, verdictsLag));
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // ---- 3b. ingester capacity: verdicts published faster than they can be stored ----

    private static Map<String, String> withSyntheticRegions(Map<String, String> coordinatorProperties) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("parallax.regions.known", String.join(",", Stream.concat(REGIONS.stream(),
                SYNTHETIC_REGIONS.stream()).toList()));
        properties.putAll(coordinatorProperties);
        return properties;
    }

    /**
     * The ingester alone at full speed, with the rest of the stack running: checks of 100 ports for the synthetic
     * regions, whose verdicts the harness publishes all at once as an agent would (one per check and region, 99
     * ports closed and 1 open), then times their rows into PostgreSQL.
     */
    private void ingesterCapacityPhase(ParallaxClient api, Connection db, LocalStack stack, String target) throws Exception {
        if (!withinBudget() || options.capacityChecks == 0) {
            log("ingester capacity not run");
            return;
        }
        String body = """
                {"target": "%s", "ports": ["1-100"], "regions": %s, "timeoutMs": 10000}"""
                .formatted(target, SYNTHETIC_REGIONS.stream().map(r -> '"' + r + '"').toList());
        log("ingester capacity: submitting " + options.capacityChecks + " checks of 100 ports x "
                + SYNTHETIC_REGIONS.size() + " synthetic regions");
        List<UUID> ids = submitClosedLoop(api, body, options.capacityChecks, 16);
        List<ProducerRecord<String, String>> verdicts = new ArrayList<>();
        Instant now = Instant.now();
        for (UUID id : ids) {
            for (String region : SYNTHETIC_REGIONS) {
                List<PortVerdict> ports = new ArrayList<>(100);
                for (int port = 1; port <= 100; port++) {
                    ports.add(PortVerdict.of(target, port, port == OPEN_PORT ? Reason.SYN_ACK : Reason.CONN_REFUSED,
                            port == OPEN_PORT ? 150 : 90));
                }
                ProbeVerdict verdict = new ProbeVerdict(UUID.randomUUID(), id, region, "bench-" + region,
                        RegionStatus.DONE, null, List.of(target), 100, ports, now, now);
                verdicts.add(new ProducerRecord<>(Topics.VERDICTS, id.toString(), WireJson.write(verdict)));
            }
        }
        long expected = verdicts.size() * 100L;
        Properties config = producerConfig(stack.kafkaBootstrap());
        // Batched, unlike the floor's producer: this one only has to get the verdicts onto the topic quickly.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            verdicts.forEach(producer::send);
            producer.flush();
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        List<Long> samples = new ArrayList<>();
        List<Long> sampledAt = new ArrayList<>();
        long stored = 0;
        long giveUp = start + Duration.ofSeconds(120).toNanos();
        while (stored < expected && System.nanoTime() < giveUp && withinBudget()) {
            Thread.sleep(250);
            stored = storedRows(db, ids);
            samples.add(stored);
            sampledAt.add(System.nanoTime());
        }
        double seconds = (sampledAt.getLast() - start) / 1e9;
        double bestSecond = 0;
        for (int i = 4; i < samples.size(); i++) {
            bestSecond = Math.max(bestSecond,
                    (samples.get(i) - samples.get(i - 4)) / ((sampledAt.get(i) - sampledAt.get(i - 4)) / 1e9));
        }
        report.append(String.format(Locale.ROOT, """

                ### 3b. Ingester capacity: %,d verdicts of 100 ports published at once (%,d checks × %d regions)

                The harness answers checks of regions no agent serves, as agents would, with the rest of the stack
                running: this is what the verdict ingester stores when verdicts arrive faster than it can store them.

                | rows expected | rows stored | published in | stored in (from the first publish) | rows/s, mean | rows/s, best second | target |
                |---:|---:|---:|---:|---:|---:|---:|
                | %,d | %,d | %.1f s | %.1f s | %,.0f | %,.0f | ≥ 50,000 |
                """, verdicts.size(), ids.size(), SYNTHETIC_REGIONS.size(), expected, stored, publishSeconds, seconds,
                stored / seconds, bestSecond));
        log(String.format(Locale.ROOT, "ingester capacity: %d of %d rows in %.1f s (published in %.1f s): mean %.0f"
                + " rows/s, best second %.0f rows/s", stored, expected, seconds, publishSeconds, stored / seconds,
                bestSecond));
    }

    /**
     * The port rows stored for these checks: 100 for each region ended DONE, since a region's row and its port rows
     * are written in one transaction. Counting the region rows keeps the sampling light.
     */
    private static long storedRows(Connection db, List<UUID> ids) throws Exception {
        return 100 * countOf(db, "SELECT count(*) FROM region_results WHERE check_id = ANY (?) AND status = 'DONE'",
                ids);
    }

    /** Submits {@code count} checks with at most {@code concurrency} requests in flight; the accepted ids. */
    private static List<UUID> submitClosedLoop(ParallaxClient api, String body, int count, int concurrency) throws Exception {
        ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            calls.add(api.submitCheckAsync(body).whenComplete((answer, failure) -> {
                slots.release();
                if (failure == null && answer.status() == 202) {
                    ids.add(answer.value().id());
                } else {
                    log("ingester capacity: a submission failed: "
                            + (failure != null ? failure : answer.status() + " " + answer.body()));
                }
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return List.copyOf(ids);
    }

    // ---- 4. memory ----

    private void memoryTable(Map<String, Long> started, Map<String, Long> idle, Map<String, Long> warm,
                             Map<String, Long> loaded) {
        StringBuilder table = new StringBuilder("""

                ### 4. Memory (RSS)

                *When ready*: as the stack answers ready. *Idle*: once it is quiet after that (under %.2f of a core
                together over 2 s, at most a minute later). *Idle after the warm-up*: quiet again after the
                warm-up's checks. *After the throughput rates*: at the end of the last rate's window.

                | process | when ready | idle | idle after the warm-up | after the throughput rates | target |
                |---|---:|---:|---:|---:|---|
                """.formatted(QUIET_CORES));
        idle.forEach((name, rss) -> table.append(String.format(Locale.ROOT,
                "| %s | %.0f MB | %.0f MB | %.0f MB | %.0f MB | %s |%n", name, started.getOrDefault(name, 0L) / 1e6,
                rss / 1e6, warm.getOrDefault(name, 0L) / 1e6, loaded.getOrDefault(name, 0L) / 1e6,
                name.startsWith("agent") ? "≤ 150 MB idle, ≤ 300 MB loaded"
                        : name.startsWith("coordinator") ? "≤ 400 MB loaded" : "")));
        table.append(String.format(Locale.ROOT, "%nJVM options: coordinator `%s`; agents `%s`.%n",
                String.join(" ", options.coordinatorJvm), String.join(" ", options.agentJvm)));
        report.append(table);
    }

    /**
     * Waits (at most a minute) until the stack is quiet: just started, the JVMs compile at full speed for tens of
     * seconds, and floors or latencies measured then would say more about the JIT than about the stack.
     */
    private static void settle(Map<String, ProcessHandle> processes) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double cores = Double.NaN;
        while (System.nanoTime() < giveUp) {
            long before = cpuNanos(processes);
            long start = System.nanoTime();
            Thread.sleep(2000);
            cores = (cpuNanos(processes) - before) / (double) (System.nanoTime() - start);
            if (cores < QUIET_CORES) {
                break;
            }
        }
        log(String.format(Locale.ROOT, "stack settled: %.2f cores busy over the last 2 s", cores));
    }

    /** CPU the stack's processes used so far, all threads. */
    private static long cpuNanos(Map<String, ProcessHandle> processes) {
        return processes.values().stream().mapToLong(SystemBench::cpuNanos).sum();
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static Map<String, Long> rss(Map<String, ProcessHandle> processes) {
        Map<String, Long> rss = new LinkedHashMap<>();
        processes.forEach((name, process) -> {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss.put(name, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            } catch (IOException e) {
                rss.put(name, 0L);
            }
        });
        return rss;
    }

    // ---- helpers ----

    private static String check(String target, String ports) {
        return """
                {"target": "%s", "ports": %s, "regions": ["eu-west", "us-east", "ap-south"], "timeoutMs": 1000}"""
                .formatted(target, ports);
    }

    private boolean withinBudget() {
        return System.nanoTime() < deadlineNanos;
    }

    static void log(String line) {
        System.err.printf("[SystemBench %tT] %s%n", System.currentTimeMillis(), line);
    }

    /** Submissions at a fixed rate, whatever the answers: open loop, bounded by count, time and in-flight. */
    record OpenLoop(int submitted, List<UUID> ids, int refused, long startedEpochMillis) {

        private static final int MAX_IN_FLIGHT = 4_000;

        /** What to read when the window's last submission went out: the checks accepted so far, the unanswered. */
        interface AtWindowEnd {
            void read(List<UUID> acceptedSoFar, int unanswered) throws Exception;
        }

        static OpenLoop run(ParallaxClient api, String body, int rate, Duration window, long deadlineNanos)
                throws Exception {
            return run(api, body, rate, window, deadlineNanos, (accepted, unanswered) -> { });
        }

        static OpenLoop run(ParallaxClient api, String body, int rate, Duration window, long deadlineNanos,
                            AtWindowEnd atWindowEnd) throws Exception {
            long start = System.nanoTime();
            long startedEpochMillis = System.currentTimeMillis();
            long total = rate * window.toSeconds();
            ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger inFlight = new AtomicInteger();
            List<CompletableFuture<?>> calls = new ArrayList<>();
            int submitted = 0;
            for (long n = 0; n < total && System.nanoTime() < deadlineNanos; n++) {
                long due = start + n * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    refused.incrementAndGet();
                    continue;
                }
                inFlight.incrementAndGet();
                submitted++;
                calls.add(api.submitCheckAsync(body).handle((answer, failure) -> {
                    inFlight.decrementAndGet();
                    if (failure == null && answer.status() == 202) {
                        ids.add(answer.value().id());
                    } else {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            atWindowEnd.read(List.copyOf(ids), inFlight.get());
            for (CompletableFuture<?> call : calls) {
                try {
                    call.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
            }
            return new OpenLoop(submitted, List.copyOf(ids), refused.get(), startedEpochMillis);
        }
    }
}
