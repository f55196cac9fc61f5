package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.parallax.bench.SystemBench.log;
import static dev.parallax.bench.SystemRun.OPEN_PORT;
import static dev.parallax.bench.SystemRun.REGIONS;

/** 2. Throughput: checks submitted at rising open-loop rates, and what the stack made of each. */
final class ThroughputPhase {

    /** What one rate's window gave: answers, completions, the stack's state at its end, and the CPU it took. */
    record RateResult(int rate, int submitted, int accepted, int refused, double acceptedPerSecond,
                      double completedPerSecond, double sustainedPerSecond, Percentiles latency,
                      int unanswered, int unfinished, double outboxBacklog, double jobsLag,
                      double verdictsLag, double coordinatorRss, String regionsNotDone, CpuUse cpu) {
    }

    /** The stack as the harness read it when the window's last submission went out. */
    private record WindowEnd(int unanswered, int unfinished, double outboxBacklog, double jobsLag,
                             double verdictsLag, double coordinatorRss) {
    }

    private final SystemRun run;

    ThroughputPhase(SystemRun run) {
        this.run = run;
    }

    /**
     * Each rate for its window, read at the window's end, then given the window again to finish; the results, for
     * {@link #table}, which goes after the latency section.
     */
    List<RateResult> run() throws Exception {
        ParallaxClient api = run.api();
        Connection db = run.db();
        StackBacklog backlog = run.backlog();
        LocalStack stack = run.stack();
        List<RateResult> results = new ArrayList<>();
        String body = run.check("[" + OPEN_PORT + "]");
        for (int rate : run.options().rates()) {
            if (!run.withinBudget()) {
                log("time budget spent: rate " + rate + " not run");
                break;
            }
            log("open loop at " + rate + " checks/s for " + run.options().rateWindow().toSeconds()
                    + " s");
            AtomicReference<WindowEnd> atEnd = new AtomicReference<>();
            Map<String, Long> cpuBefore = CpuUse.sample(stack.processes());
            long cpuFrom = System.nanoTime();
            AtomicInteger acceptedInWindow = new AtomicInteger();
            // The state at the end of the window is what says whether the stack keeps up: read it there, while
            // submissions may still wait for their answer, not after they all came back.
            Duration window = run.options().rateWindow();
            OpenLoop load = OpenLoop.run(api, body, rate, window, run.deadlineNanos(), (accepted, unanswered) -> {
                acceptedInWindow.set(accepted.size());
                StackBacklog.Reading waiting = backlog.read();
                atEnd.set(new WindowEnd(unanswered, CheckQueries.pending(db, accepted), waiting.outboxRows(),
                        waiting.jobsLag(), waiting.verdictsLag(),
                        StackProcesses.rss(stack.processes()).getOrDefault("coordinator", 0L) / 1e6));
            });
            WindowEnd end = atEnd.get();
            // Then give the stack the window once more to finish what it accepted.
            CheckQueries.awaitCompletion(db, load.ids(), window);
            CpuUse cpu = CpuUse.between(cpuBefore, CpuUse.sample(stack.processes()), System.nanoTime() - cpuFrom,
                    load.ids().size() - CheckQueries.pending(db, load.ids()));
            CheckQueries.Completion completion = CheckQueries.completion(db, load.ids(), load.startedEpochMillis(),
                    load.startedEpochMillis() + window.toMillis());
            RateResult result = new RateResult(rate, load.submitted(), load.ids().size(), load.refused(),
                    acceptedInWindow.get() / (double) window.toSeconds(),
                    completion.inWindow() / (double) window.toSeconds(), completion.sustained(),
                    completion.latency(), end.unanswered(), end.unfinished(), end.outboxBacklog(), end.jobsLag(),
                    end.verdictsLag(), end.coordinatorRss(), CheckQueries.regionsNotDone(db, load.ids()), cpu);
            results.add(result);
            log(String.format(Locale.ROOT, "rate %d: accepted %d (%.0f/s within the window), refused %d,"
                            + " completed %.0f/s in the window, %.0f/s sustained, p99 %.0f ms; at the window's end %d"
                            + " unanswered, %d unfinished, backlog %.0f, jobs lag %.0f, verdicts lag %.0f;"
                            + " regions not DONE: %s",
                    rate, result.accepted, result.acceptedPerSecond, result.refused, result.completedPerSecond,
                    result.sustainedPerSecond, result.latency.p99(), end.unanswered(), end.unfinished(),
                    end.outboxBacklog(), end.jobsLag(), end.verdictsLag(), result.regionsNotDone));
        }
        return results;
    }

    /** The section of these rates: throughput, then CPU. */
    String table(List<RateResult> results) {
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
                """, run.options().rateWindow().toSeconds()));
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
}
