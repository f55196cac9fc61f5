package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.database.PgArrays;
import dev.parallax.coordinator.schedule.StoredRuns.Probe;
import dev.parallax.coordinator.schedule.UptimeRollup.Histogram;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.parallax.common.contract.PortState.CLOSED;
import static dev.parallax.common.contract.PortState.ERROR;
import static dev.parallax.common.contract.PortState.FILTERED;
import static dev.parallax.common.contract.PortState.OPEN;
import static dev.parallax.coordinator.schedule.StoredRuns.check;
import static dev.parallax.coordinator.schedule.StoredRuns.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** Completed scheduled runs rolled up into hourly aggregates, and the uptime read from those alone. */
@QuarkusTest
@TestProfile(UptimeJobsByHand.class)
@QuarkusTestResource(RealInfrastructure.class)
class UptimeRollupTest {

    private static final String TARGET = "uptime-rollup-test.invalid";

    @Inject
    AgroalDataSource db;

    @Inject
    UptimeRollup rollup;

    @AfterEach
    void removeTestRows() {
        StoredRuns.remove(db, TARGET);
    }

    @Test
    void eachCompletedRunIsCountedOnceHoweverManyRollupsRunAtOnce() throws Exception {
        UUID schedule = StoredRuns.schedule(db, TARGET);
        Instant now = Instant.now();
        // Times on both sides of bucket bounds, below the first power of two and past the last bound.
        long[] times = {0, 3, 4, 899, 900, 1023, 1024, 58_720_255, 58_720_256, 100_000_000, 150, 2_500};
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Probe[] usEast = i % 4 == 0 ? new Probe[0]
                    : new Probe[] {probe(443, FILTERED, 500_000), probe(8443, i % 5 == 0 ? ERROR : CLOSED, 700 + i)};
            runs.add(check(TARGET, now.minus(Duration.ofMinutes(3L * i))).of(schedule)   // over three hours
                    .region("eu-west", "DONE", probe(443, OPEN, times[i % times.length]), probe(8443, CLOSED, 300 + i))
                    .region("us-east", i % 4 == 0 ? "UNAVAILABLE" : "DONE", usEast)
                    .insert(db));
        }
        UUID running = check(TARGET, now).of(schedule).running().region("eu-west", "PENDING").insert(db);
        UUID unscheduled = check(TARGET, now).region("eu-west", "DONE", probe(443, OPEN, 1)).insert(db);

        // Four coordinators at once, in small batches, each until it finds nothing left to claim.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> rollups = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rollups.add(pool.submit(() -> {
                go.await();
                int claimed = 0;
                for (int batch; (batch = rollup.rollUpBatch(7)) > 0; ) {
                    claimed += batch;
                }
                return claimed;
            }));
        }
        go.countDown();
        AtomicInteger claimed = new AtomicInteger();
        for (Future<Integer> future : rollups) {
            claimed.addAndGet(future.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        // A run another transaction held locked at that moment (the alert evaluator, say) was skipped, not lost.
        await("every completed run rolled up").atMost(Duration.ofSeconds(30)).until(() -> {
            claimed.addAndGet(rollup.rollUpBatch(100));
            return notRolledUp(runs).isEmpty();
        });

        assertThat(claimed.get()).as("runs claimed by all rollups together: each exactly once").isEqualTo(runs.size());
        assertThat(notRolledUp(List.of(running, unscheduled))).as("a running check and an unscheduled one stay out")
                .containsExactlyInAnyOrder(running, unscheduled);
        Map<String, String> regionHours = regionHours(schedule);
        Map<String, String> portHours = portHours(schedule);
        assertThat(regionHours).as("runs and answers per region and hour: the raw results counted once")
                .isEqualTo(expectedRegionHours(schedule));
        assertThat(portHours).as("probes by state and connect-time histograms per region, port and hour")
                .isEqualTo(expectedPortHours(schedule));

        assertThat(rollup.rollUpBatch(100)).as("a second pass finds nothing to add").isZero();
        assertThat(portHours(schedule)).as("and changes nothing").isEqualTo(portHours);

        // The running run completes later: it is added then, once, into the hour it was created in.
        Sql.update(db, "UPDATE checks SET status = 'COMPLETE', completed_at = now() WHERE id = ?", running);
        Sql.update(db, "UPDATE region_results SET status = 'DONE' WHERE check_id = ?", running);
        await("the late run rolled up").atMost(Duration.ofSeconds(30)).until(() -> {
            rollup.rollUpBatch(100);
            return notRolledUp(List.of(running)).isEmpty();
        });
        assertThat(regionHours(schedule)).as("with the late run").isEqualTo(expectedRegionHours(schedule))
                .isNotEqualTo(regionHours);
    }

    @Test
    void uptimeComesFromTheWholeHoursOfTheWindowInTheAggregates() {
        UUID schedule = StoredRuns.schedule(db, TARGET);
        Instant now = Instant.now();
        List<Instant> created = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            created.add(now.minusSeconds(20L * i));
            times.add(100L * i);
        }
        created.add(now.minus(Duration.ofHours(24)).minusSeconds(1));   // in the first hour of the window
        times.add(5_000L);
        created.add(now.minus(Duration.ofHours(26)));                   // before it; within 7 days
        times.add(5_000L);
        for (int i = 0; i < created.size(); i++) {
            check(TARGET, created.get(i)).of(schedule)
                    .region("eu-west", "DONE", probe(443, OPEN, times.get(i)), probe(8443, CLOSED, 300))
                    .region("us-east", i % 10 == 0 ? "UNAVAILABLE" : "DONE",
                            i % 10 == 0 ? new Probe[0] : new Probe[] {probe(443, FILTERED, 500_000)})
                    .insert(db);
        }
        await("every run rolled up").atMost(Duration.ofSeconds(30)).until(() -> {
            rollup.rollUpBatch(100);
            return Sql.count(db, "SELECT count(*) FROM checks WHERE schedule_id = ? AND rolled_up_at IS NULL",
                    schedule) == 0;
        });

        JsonPath day = uptime(schedule, "24h");
        Instant from = Instant.parse(day.getString("from"));
        Instant to = Instant.parse(day.getString("to"));
        assertThat(from).as("the window starts at the top of an hour").isEqualTo(from.truncatedTo(ChronoUnit.HOURS));
        assertThat(Duration.between(from, to)).as("24 hours and less than one more")
                .isGreaterThanOrEqualTo(Duration.ofHours(24)).isLessThan(Duration.ofHours(25));
        List<Integer> inWindow = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            if (!created.get(i).truncatedTo(ChronoUnit.HOURS).isBefore(from)) {
                inWindow.add(i);
            }
        }
        assertThat(inWindow).as("the 26-hour-old run lies outside the day").doesNotContain(created.size() - 1);
        long answeredUsEast = inWindow.stream().filter(i -> i % 10 != 0).count();

        assertThat(day.getList("regions.region")).containsExactly("eu-west", "us-east");
        assertThat(day.getLong("regions[0].runs")).as("eu-west runs in the window").isEqualTo(inWindow.size());
        assertThat(day.getLong("regions[1].runs")).as("us-east runs in the window").isEqualTo(inWindow.size());
        assertThat(day.getLong("regions[1].answered")).as("us-east answered").isEqualTo(answeredUsEast);
        assertThat(day.getList("regions[0].ports.port")).containsExactly(443, 8443);
        assertThat(day.getLong("regions[0].ports[0].samples")).isEqualTo(inWindow.size());
        assertThat(day.getDouble("regions[0].ports[0].availability")).as("443 open from eu-west").isEqualTo(1.0);
        assertThat(day.getDouble("regions[0].ports[1].availability")).as("8443 closed").isEqualTo(0.0);
        assertThat(day.getDouble("regions[1].ports[0].availability")).as("443 filtered from us-east").isEqualTo(0.0);
        assertThat(day.getString("regions[1].ports[0].latencyMicros.p50")).as("no connect time when filtered")
                .isNull();
        long[] seen = inWindow.stream().mapToLong(times::get).sorted().toArray();
        for (String percentile : List.of("p50", "p95", "p99")) {
            double quantile = Integer.parseInt(percentile.substring(1)) / 100.0;
            long truth = seen[(int) Math.ceil(quantile * seen.length) - 1];
            assertThat(day.getDouble("regions[0].ports[0].latencyMicros." + percentile))
                    .as("%s of 443 from eu-west, estimated from the histogram; nearest rank %d", percentile, truth)
                    .isBetween((double) seen[0], (double) seen[seen.length - 1])
                    .isCloseTo(truth, within(truth / 4.0));
        }
        assertThat(day.getDouble("regions[0].ports[1].latencyMicros.p99")).as("8443 always 300 us").isEqualTo(300.0);

        assertThat(uptime(schedule, "7d").getLong("regions[0].runs")).as("seven days hold every run")
                .isEqualTo(created.size());

        // Probes are counted by state, so a new expectation applies to the hours already rolled up.
        Sql.update(db, "UPDATE schedules SET expected_state = 'FILTERED' WHERE id = ?", schedule);
        JsonPath filtered = uptime(schedule, "24h");
        assertThat(filtered.getDouble("regions[1].ports[0].availability")).as("443 from us-east, expecting FILTERED")
                .isEqualTo(1.0);
        assertThat(filtered.getDouble("regions[0].ports[0].availability")).as("443 from eu-west, expecting FILTERED")
                .isEqualTo(0.0);
    }

    private static JsonPath uptime(UUID schedule, String window) {
        return given().get("/api/v1/schedules/" + schedule + "/uptime?window=" + window).then().statusCode(200)
                .extract().jsonPath();
    }

    private List<UUID> notRolledUp(List<UUID> checks) {
        return Sql.rows(db, "SELECT id FROM checks WHERE id = ANY (CAST(? AS uuid[])) AND rolled_up_at IS NULL",
                        PgArrays.textArray(checks.stream().map(UUID::toString).toList())).stream()
                .map(row -> (UUID) row.get("id")).toList();
    }

    private Map<String, String> regionHours(UUID schedule) {
        Map<String, String> hours = new TreeMap<>();
        for (Map<String, Object> row : Sql.rows(db, """
                SELECT region, hour, runs, answered FROM uptime_region_hourly WHERE schedule_id = ?""", schedule)) {
            hours.put(row.get("region") + " " + ((Timestamp) row.get("hour")).toInstant(),
                    "runs " + row.get("runs") + ", answered " + row.get("answered"));
        }
        return hours;
    }

    /** What the hourly region rows should say, counted here from the raw results of the completed runs. */
    private Map<String, String> expectedRegionHours(UUID schedule) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Map<String, Object> row : Sql.rows(db, """
                SELECT r.region, c.created_at, r.status FROM region_results r JOIN checks c ON c.id = r.check_id
                 WHERE c.schedule_id = ? AND c.status = 'COMPLETE'""", schedule)) {
            int[] runsAnswered = counts.computeIfAbsent(row.get("region") + " " + hour(row.get("created_at")),
                    key -> new int[2]);
            runsAnswered[0]++;
            runsAnswered[1] += "DONE".equals(row.get("status")) ? 1 : 0;
        }
        Map<String, String> hours = new TreeMap<>();
        counts.forEach((key, c) -> hours.put(key, "runs " + c[0] + ", answered " + c[1]));
        return hours;
    }

    private Map<String, String> portHours(UUID schedule) {
        Map<String, String> hours = new TreeMap<>();
        for (Map<String, Object> row : Sql.rows(db, """
                SELECT region, port, hour, open_probes, closed_probes, filtered_probes, error_probes,
                       rtt_min_micros, rtt_max_micros, array_to_string(rtt_histogram, ',') AS histogram
                  FROM uptime_hourly WHERE schedule_id = ?""", schedule)) {
            hours.put(row.get("region") + " " + row.get("port") + " " + ((Timestamp) row.get("hour")).toInstant(),
                    describe(new long[] {((Number) row.get("open_probes")).longValue(),
                                    ((Number) row.get("closed_probes")).longValue(),
                                    ((Number) row.get("filtered_probes")).longValue(),
                                    ((Number) row.get("error_probes")).longValue()},
                            (Long) row.get("rtt_min_micros"), (Long) row.get("rtt_max_micros"),
                            Arrays.stream(((String) row.get("histogram")).split(",")).mapToLong(Long::parseLong)
                                    .toArray()));
        }
        return hours;
    }

    /** What the hourly port rows should say, counted here, with the Java buckets, from the raw results. */
    private Map<String, String> expectedPortHours(UUID schedule) {
        record Hour(long[] states, long[] histogram, long[] minMax) {
        }
        Map<String, Hour> hours = new TreeMap<>();
        for (Map<String, Object> row : Sql.rows(db, """
                SELECT p.region, p.port, c.created_at, p.state, p.rtt_micros
                  FROM port_results p JOIN checks c ON c.id = p.check_id
                 WHERE c.schedule_id = ? AND c.status = 'COMPLETE'""", schedule)) {
            Hour hour = hours.computeIfAbsent(row.get("region") + " " + row.get("port") + " "
                    + hour(row.get("created_at")), key -> new Hour(new long[4], new long[Histogram.BUCKETS],
                    new long[] {Long.MAX_VALUE, Long.MIN_VALUE}));
            PortState state = PortState.valueOf((String) row.get("state"));
            hour.states()[state.ordinal()]++;
            if (state == OPEN || state == CLOSED) {
                long rtt = ((Number) row.get("rtt_micros")).longValue();
                hour.histogram()[Histogram.bucketOf(rtt)]++;
                hour.minMax()[0] = Math.min(hour.minMax()[0], rtt);
                hour.minMax()[1] = Math.max(hour.minMax()[1], rtt);
            }
        }
        Map<String, String> described = new TreeMap<>();
        hours.forEach((key, hour) -> {
            boolean timed = hour.minMax()[0] != Long.MAX_VALUE;
            described.put(key, describe(hour.states(), timed ? hour.minMax()[0] : null,
                    timed ? hour.minMax()[1] : null, hour.histogram()));
        });
        return described;
    }

    /** States in PortState order: OPEN, CLOSED, FILTERED, ERROR. */
    private static String describe(long[] states, Long min, Long max, long[] histogram) {
        Map<Integer, Long> buckets = new TreeMap<>();
        for (int bucket = 0; bucket < histogram.length; bucket++) {
            if (histogram[bucket] > 0) {
                buckets.put(bucket, histogram[bucket]);
            }
        }
        return "open " + states[0] + ", closed " + states[1] + ", filtered " + states[2] + ", error " + states[3]
                + ", rtt " + min + ".." + max + ", buckets " + buckets + " of " + histogram.length;
    }

    private static Instant hour(Object timestamp) {
        return ((Timestamp) timestamp).toInstant().truncatedTo(ChronoUnit.HOURS);
    }
}
