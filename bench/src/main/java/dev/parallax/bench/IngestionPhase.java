package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static dev.parallax.bench.SystemBench.log;

/** 3. Ingestion: verdict rows stored per second under a load of 100-port checks from 3 regions. */
final class IngestionPhase {

    private final SystemRun run;

    IngestionPhase(SystemRun run) {
        this.run = run;
    }

    /** Submits at the ingestion rate for its window and samples the stored rows every second; appends the section. */
    void run() throws Exception {
        ParallaxClient api = run.api();
        Connection db = run.db();
        StackBacklog backlog = run.backlog();
        if (!run.withinBudget()) {
            log("time budget spent: ingestion not run");
            return;
        }
        String body = run.check("[\"1-100\"]");
        long rowsBefore = CheckQueries.count(db, "SELECT count(*) FROM port_results");
        List<double[]> perSecond = new ArrayList<>();
        log("ingestion: " + run.options().ingestRate() + " checks/s of 100 ports x 3 regions for "
                + run.options().ingestWindow().toSeconds() + " s");
        long start = System.nanoTime();
        AtomicReference<StackBacklog.Reading> atEnd = new AtomicReference<>();
        CompletableFuture<OpenLoop> load = CompletableFuture.supplyAsync(() -> {
            try {
                return OpenLoop.run(api, body, run.options().ingestRate(), run.options().ingestWindow(),
                        run.deadlineNanos(), (accepted, unanswered) -> atEnd.set(backlog.read()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long previous = rowsBefore;
        long previousAt = System.nanoTime();
        long stopSampling = start + run.options().ingestWindow().toNanos() * 2;
        while (System.nanoTime() < stopSampling && run.withinBudget()) {
            Thread.sleep(1000);
            long rows = CheckQueries.count(db, "SELECT count(*) FROM port_results");
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
        long rowsAfter = CheckQueries.count(db, "SELECT count(*) FROM port_results");
        double seconds = (previousAt - start) / 1e9;
        double peak = perSecond.stream().mapToDouble(s -> s[1]).max().orElse(0);
        double mean = (rowsAfter - rowsBefore) / Math.max(0.001, seconds);
        // Which side limits: with jobs waiting for agents the ingester had nothing to store; with verdicts waiting,
        // it was the ingester.
        double jobsLag = atEnd.get() == null ? Double.NaN : atEnd.get().jobsLag();
        double verdictsLag = atEnd.get() == null ? Double.NaN : atEnd.get().verdictsLag();
        long expected = done.ids().size() * 300L;
        run.report().append(String.format(Locale.ROOT, """

                ### 3. Ingestion: %d checks/s of 100 ports × 3 regions for %d s (%d accepted)

                | verdict rows stored | of the accepted checks' rows | rows/s, best second | rows/s, mean over %.0f s | jobs lag at the window's end | verdicts lag at the window's end | target |
                |---:|---:|---:|---:|---:|---:|---:|
                | %,d | %.0f %% | %,.0f | %,.0f | %,.0f | %,.0f | ≥ 50,000 rows/s |
                """, run.options().ingestRate(), run.options().ingestWindow().toSeconds(), done.ids().size(), seconds,
                rowsAfter - rowsBefore, 100.0 * (rowsAfter - rowsBefore) / Math.max(1, expected), peak, mean,
                jobsLag, verdictsLag));
        log(String.format(Locale.ROOT, "ingestion: %d rows (%.0f %% of the accepted checks'), best second %.0f"
                        + " rows/s, mean %.0f rows/s; at the window's end jobs lag %.0f, verdicts lag %.0f",
                rowsAfter - rowsBefore, 100.0 * (rowsAfter - rowsBefore) / Math.max(1, expected), peak, mean,
                jobsLag, verdictsLag));
    }
}
