package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.parallax.bench.SystemBench.log;
import static dev.parallax.bench.SystemRun.OPEN_PORT;
import static dev.parallax.bench.SystemRun.REGIONS;

/** 1. Latency: sequential checks, from the POST to reading {@code complete} on the check's event stream. */
final class LatencyPhase {

    private final SystemRun run;

    LatencyPhase(SystemRun run) {
        this.run = run;
    }

    /**
     * Sequential checks after unmeasured ones; appends the section: their latency beside {@code floors}, where
     * their time went, and the CPU each cost.
     */
    void run(FloorsPhase.Floors floors) throws Exception {
        ParallaxClient api = run.api();
        Connection db = run.db();
        LocalStack stack = run.stack();
        String body = run.check("[" + OPEN_PORT + "]");
        for (int i = 0; i < run.options().latencyWarmupChecks() && run.withinBudget(); i++) {
            FollowedCheck.follow(api, body);
        }
        List<Double> latencies = new ArrayList<>();
        List<FollowedCheck> followedChecks = new ArrayList<>();
        List<Double> posts = new ArrayList<>();
        Map<String, Long> cpuBefore = CpuUse.sample(stack.processes());
        Map<String, Long> jitBefore = CpuUse.sampleCompilers(stack.processes());
        long started = System.nanoTime();
        for (int i = 0; i < run.options().latencyChecks() && run.withinBudget(); i++) {
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
        double floorP50 = floors.commit().p50() + floors.twoHops().p50();
        double floorP99 = floors.commit().p99() + floors.twoHops().p99();
        run.report().append(String.format(Locale.ROOT, """

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
                """, p.count(), seconds, run.options().latencyWarmupChecks(), p.p50(), p95, p.p99(), p.max(),
                Percentiles.at(posts, 0.5), Percentiles.at(posts, 0.95), Percentiles.at(posts, 0.99), floorP50,
                floorP99, p.p50() / floorP50, p.p99() / floorP99));
        log(String.format(Locale.ROOT, "latency: %d checks p50 %.1f ms p95 %.1f ms p99 %.1f ms", p.count(), p.p50(),
                p95, p.p99()));
        run.report().append(breakdown(db, stack.kafkaBootstrap(), followedChecks));
        run.report().append(latencyCpu(cpuBefore, cpuAfter, jitBefore, jitAfter, wallNanos, followedChecks.size()));
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
}
