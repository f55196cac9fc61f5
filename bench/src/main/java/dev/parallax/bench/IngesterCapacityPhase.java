package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.sql.Connection;
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
import java.util.stream.Stream;

import static dev.parallax.bench.SystemBench.log;
import static dev.parallax.bench.SystemRun.OPEN_PORT;
import static dev.parallax.bench.SystemRun.REGIONS;

/** 3b. Ingester capacity: verdicts published faster than the ingester can store them. */
final class IngesterCapacityPhase {

    /**
     * Regions the coordinator knows and no agent serves: this phase answers their jobs itself, so that the verdicts
     * arrive faster than the ingester can store them.
     */
    private static final List<String> SYNTHETIC_REGIONS = List.of("bench-x", "bench-y", "bench-z");

    private final SystemRun run;

    IngesterCapacityPhase(SystemRun run) {
        this.run = run;
    }

    /** The coordinator's properties with the synthetic regions known to it, as the stack must start. */
    static Map<String, String> withSyntheticRegions(Map<String, String> coordinatorProperties) {
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
    void run() throws Exception {
        ParallaxClient api = run.api();
        Connection db = run.db();
        String target = run.target();
        if (!run.withinBudget() || run.options().capacityChecks() == 0) {
            log("ingester capacity not run");
            return;
        }
        String body = """
                {"target": "%s", "ports": ["1-100"], "regions": %s, "timeoutMs": 10000}"""
                .formatted(target, SYNTHETIC_REGIONS.stream().map(r -> '"' + r + '"').toList());
        log("ingester capacity: submitting " + run.options().capacityChecks() + " checks of 100 ports x "
                + SYNTHETIC_REGIONS.size() + " synthetic regions");
        List<UUID> ids = submitClosedLoop(api, body, run.options().capacityChecks(), 16);
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
        Properties config = FloorsPhase.producerConfig(run.stack().kafkaBootstrap());
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
        while (stored < expected && System.nanoTime() < giveUp && run.withinBudget()) {
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
        run.report().append(String.format(Locale.ROOT, """

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
        return 100 * CheckQueries.countOf(db,
                "SELECT count(*) FROM region_results WHERE check_id = ANY (?) AND status = 'DONE'", ids);
    }

    /** Submits {@code count} checks with at most {@code concurrency} requests in flight; the accepted ids. */
    private static List<UUID> submitClosedLoop(ParallaxClient api, String body, int count, int concurrency)
            throws Exception {
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
}
