package dev.parallax.e2e;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.ParallaxClient;
import dev.parallax.client.Schedule;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedules fire exactly once per due time with two coordinators on one PostgreSQL, even when one of them is
 * killed with SIGKILL halfway: 50 schedules every 10 s for 60 s make exactly 300 runs, each due time once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ScheduleFiringIT {

    private static final int SCHEDULES = 50;
    private static final Duration EVERY = Duration.ofSeconds(10);
    private static final Duration WATCHED = Duration.ofSeconds(60);

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws IOException {
        stack = E2eStacks.builder("schedules")
                .regions(List.of("eu-west"))
                .coordinators(2)
                .build()
                .start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void fiftySchedulesEveryTenSecondsForAMinuteFireExactlyThreeHundredTimesAcrossTwoCoordinators()
            throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Connection db = stack.postgres().connect();
             ParallaxClient first = ParallaxClient.of(stack.coordinator(1).baseUri());
             ParallaxClient second = ParallaxClient.of(stack.coordinator(2).baseUri())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < SCHEDULES; i++) {
                // Half through each coordinator's API: either may be asked, and both fire.
                ParallaxClient api = i % 2 == 0 ? first : second;
                ApiResponse<Schedule> created = api.createSchedule("""
                        {"target": "127.0.0.1", "ports": [%d], "regions": ["eu-west"], "every": "10s",
                         "timeoutMs": 500}""".formatted(listener.getLocalPort()));
                assertThat(created.status()).as("POST to %s: %s", api.baseUri(), created.body()).isEqualTo(201);
                ids.add(created.value().id().toString());
            }
            Instant lastCreated = Instant.now();

            Thread.sleep(WATCHED.dividedBy(2).toMillis());
            stack.coordinator(2).kill();
            System.out.println("killed coordinator-2 with SIGKILL halfway through");
            // Every schedule's sixth due time lies before its creation + 60 s; wait past the last of them.
            Thread.sleep(Duration.between(Instant.now(), lastCreated.plus(WATCHED).plusSeconds(3)).toMillis());
            for (String id : ids) {
                ApiResponse<Schedule> paused = first.pauseSchedule(id);
                assertThat(paused.status()).as("pause %s: %s", id, paused.body()).isEqualTo(200);
            }

            Map<String, Long> counts = query(db, """
                    SELECT count(*) AS firings,
                           count(DISTINCT (f.schedule_id, f.fire_time)) AS distinct_due_times,
                           count(*) FILTER (WHERE f.check_id IS NULL) AS without_check,
                           count(DISTINCT f.fired_by) AS coordinators,
                           (SELECT count(*) FROM (
                               SELECT s.id FROM schedules s LEFT JOIN schedule_firings f2
                                 ON f2.schedule_id = s.id AND f2.fire_time < s.created_at + interval '60 seconds'
                                GROUP BY s.id HAVING count(f2.fire_time) <> 6) odd) AS schedules_not_six,
                           (SELECT count(*) FROM (
                               SELECT f3.fire_time - lag(f3.fire_time) OVER (PARTITION BY f3.schedule_id
                                                                              ORDER BY f3.fire_time) AS gap
                                 FROM schedule_firings f3) g WHERE gap <> interval '10 seconds') AS off_grid,
                           (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.fired_at - f.fire_time))
                               * 1000)::bigint AS p50_late_ms,
                           (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM f.fired_at - f.fire_time))
                               * 1000)::bigint AS p99_late_ms,
                           (max(extract(epoch FROM f.fired_at - f.fire_time)) * 1000)::bigint AS max_late_ms
                      FROM schedule_firings f JOIN schedules s ON s.id = f.schedule_id
                     WHERE f.fire_time < s.created_at + interval '60 seconds'
                    """);
            System.out.println("firings in the first 60 s of each schedule: " + counts);
            Map<String, Long> byCoordinator = groupCounts(db,
                    "SELECT fired_by, count(*) FROM schedule_firings GROUP BY fired_by");
            System.out.println("firings by coordinator: " + byCoordinator);

            assertThat(counts.get("firings")).as("50 schedules x 6 due times").isEqualTo(SCHEDULES * 6L);
            assertThat(counts.get("distinct_due_times")).as("no due time fired twice").isEqualTo(SCHEDULES * 6L);
            assertThat(counts.get("schedules_not_six")).as("schedules without exactly 6 runs").isZero();
            assertThat(counts.get("off_grid")).as("runs not 10 s after the previous one").isZero();
            assertThat(counts.get("without_check")).as("runs that submitted no check").isZero();
            assertThat(byCoordinator).as("both coordinators fired (one until it was killed)").hasSize(2);

            // The runs were real checks, answered by the agent, verdicts and all, despite the killed replica.
            String outcomes = """
                    SELECT r.status, count(*) FROM schedule_firings f JOIN schedules s ON s.id = f.schedule_id
                      JOIN checks c ON c.id = f.check_id JOIN region_results r ON r.check_id = c.id
                     WHERE f.fire_time < s.created_at + interval '60 seconds' GROUP BY r.status""";
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Long> regionOutcomes = groupCounts(db, outcomes);
            while (!regionOutcomes.equals(Map.of("DONE", SCHEDULES * 6L)) && System.nanoTime() < until) {
                Thread.sleep(500);
                regionOutcomes = groupCounts(db, outcomes);
            }
            assertThat(regionOutcomes).as("eu-west's answer to every run").isEqualTo(Map.of("DONE", SCHEDULES * 6L));
            assertThat(first.schedules().value()).as("schedules listed").hasSize(SCHEDULES);
        }
    }

    private static Map<String, Long> query(Connection db, String sql) throws Exception {
        Map<String, Long> values = new TreeMap<>();
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                values.put(row.getMetaData().getColumnLabel(i), row.getLong(i));
            }
        }
        return values;
    }

    private static Map<String, Long> groupCounts(Connection db, String sql) throws Exception {
        Map<String, Long> values = new TreeMap<>();
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.put(rows.getString(1), rows.getLong(2));
            }
        }
        return values;
    }
}
