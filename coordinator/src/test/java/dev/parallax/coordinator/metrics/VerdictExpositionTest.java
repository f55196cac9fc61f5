package dev.parallax.coordinator.metrics;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.schedule.StoredRuns;
import dev.parallax.coordinator.testinfra.Promtool;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.testsupport.PrometheusText;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static dev.parallax.coordinator.schedule.StoredRuns.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GET /api/v1/metrics/schedules: the latest run of each active schedule of the caller, per region, address and
 * port, in the Prometheus text format, checked by promtool (the Prometheus project's own parser and linter). The
 * promtool tests are tagged "tools" and run with -Ptools (as .ci/run does): promtool must be on the PATH.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class VerdictExpositionTest {

    @Inject
    AgroalDataSource db;

    private final String target = "metrics-" + UUID.randomUUID() + ".example";

    @AfterEach
    void removeRows() {
        StoredRuns.remove(db, target);
    }

    @Test
    void theLatestRunOfEachActiveScheduleIsExposedPerRegionAddressAndPort() {
        Stored stored = storeRuns();
        UUID active = stored.active();

        String text = scrape();

        // Series as the Prometheus client writes them: labels in name order.
        Map<String, Double> samples = PrometheusText.samples(text);
        String schedule = "schedule=\"" + active + "\"";
        String labelTarget = "target=\"" + target + "\"";
        String eu443 = "address=\"127.0.0.1\",port=\"443\",region=\"eu-west\"," + schedule;
        String us443 = "address=\"127.0.0.1\",port=\"443\",region=\"us-east\"," + schedule;
        assertThat(samples)
                .containsEntry("parallax_port_open{" + eu443 + "," + labelTarget + "}", 1.0)
                .containsEntry("parallax_port_open{" + us443 + "," + labelTarget + "}", 0.0)
                .containsEntry("parallax_port_state{" + us443 + ",state=\"filtered\"," + labelTarget + "}", 1.0)
                .containsEntry("parallax_port_state{" + us443 + ",state=\"open\"," + labelTarget + "}", 0.0)
                .containsEntry("parallax_port_state{" + us443 + ",state=\"closed\"," + labelTarget + "}", 0.0)
                .containsEntry("parallax_port_state{" + us443 + ",state=\"error\"," + labelTarget + "}", 0.0)
                .containsEntry("parallax_connect_seconds{" + eu443 + "," + labelTarget + "}", 0.0012)
                .containsEntry("parallax_connect_seconds{" + us443 + "," + labelTarget + "}", 1.0)
                .containsEntry("parallax_region_up{region=\"ap-south\"," + schedule + ",status=\"unavailable\","
                        + labelTarget + "}", 0.0)
                .containsEntry("parallax_region_up{region=\"eu-west\"," + schedule + ",status=\"done\","
                        + labelTarget + "}", 1.0);
        assertThat(samples.keySet()).filteredOn(series -> series.startsWith("parallax_port_open{")
                        && series.contains(schedule))
                .as("one series per region, address and port of the latest run only").hasSize(4);
        assertThat(PrometheusText.value(samples, "parallax_run_timestamp_seconds{" + schedule + "," + labelTarget + "}"))
                .as("when the latest run was submitted, in seconds").isCloseTo(
                        Instant.now().minusSeconds(10).toEpochMilli() / 1000.0, within(5.0));
        assertThat(text).as("a paused schedule, and another owner's").doesNotContain(stored.paused().toString())
                .doesNotContain(stored.othersSchedule().toString());
    }

    @Test
    void everyFamilyIsAGaugeWithItsHelp() {
        storeRuns();

        String text = scrape();

        assertThat(text.lines().filter(line -> line.startsWith("# ")).toList()).containsExactly(
                "# HELP parallax_connect_seconds Time to the probe's answer in the latest run: the handshake for OPEN,"
                        + " the reset for CLOSED, the timeout for FILTERED without an answer.",
                "# TYPE parallax_connect_seconds gauge",
                "# HELP parallax_port_open Whether the port answered OPEN from the region in the schedule's latest"
                        + " completed run (1) or not (0).",
                "# TYPE parallax_port_open gauge",
                "# HELP parallax_port_state The port's state from the region in the latest run: 1 for the state it"
                        + " was in, 0 for the others.",
                "# TYPE parallax_port_state gauge",
                "# HELP parallax_region_up Whether the region answered the latest run (1, DONE) or ended it otherwise"
                        + " (0: UNAVAILABLE, FAILED, BLOCKED, UNRESOLVED, EXPIRED), with that status.",
                "# TYPE parallax_region_up gauge",
                "# HELP parallax_run_timestamp_seconds When the schedule's latest completed run was submitted (Unix"
                        + " time): how fresh the other series are.",
                "# TYPE parallax_run_timestamp_seconds gauge");
    }

    @Test
    @Tag("tools")
    void promtoolAcceptsTheWholeExposition() throws Exception {
        storeRuns();

        String text = scrape();

        assertThat(Promtool.checkMetrics(text)).as("promtool check metrics on:\n" + text).isEmpty();
    }

    @Test
    @Tag("tools")
    void theDocumentedAlertRulesAreValidAndFireOnSeriesOfThisShape() throws Exception {
        Path rules = Path.of("..", "deploy", "prometheus").toAbsolutePath().normalize();

        assertThat(Promtool.run(null, "check", "rules", rules.resolve("parallax-alerts.yml").toString()))
                .as("promtool check rules").startsWith("Checking").contains("SUCCESS: 3 rules found");
        assertThat(Promtool.run(null, "test", "rules", rules.resolve("parallax-alerts.test.yml").toString()))
                .as("promtool test rules").contains("SUCCESS");
    }

    /** The schedules of {@link #storeRuns()}: one active, one paused, one of another owner. */
    private record Stored(UUID active, UUID paused, UUID othersSchedule) {
    }

    /**
     * An active schedule with an older and a latest run (from three regions: OPEN, FILTERED, CLOSED and an
     * UNAVAILABLE region), a paused schedule and another owner's, each with a run.
     */
    private Stored storeRuns() {
        UUID active = schedule("anonymous", false);
        UUID paused = schedule("anonymous", true);
        UUID othersSchedule = schedule("someone-else", false);
        StoredRuns.check(target, Instant.now().minusSeconds(120)).of(active)
                .region("eu-west", "DONE", probe(443, PortState.CLOSED, 500)).insert(db);
        StoredRuns.check(target, Instant.now().minusSeconds(10)).of(active)
                .region("eu-west", "DONE", probe(443, PortState.OPEN, 1_200), probe(8443, PortState.CLOSED, 900))
                .region("us-east", "DONE", probe(443, PortState.FILTERED, 1_000_000), probe(8443, PortState.CLOSED, 800))
                .region("ap-south", "UNAVAILABLE").insert(db);
        StoredRuns.check(target, Instant.now().minusSeconds(10)).of(paused)
                .region("eu-west", "DONE", probe(443, PortState.OPEN, 1_000)).insert(db);
        StoredRuns.check(target, Instant.now().minusSeconds(10)).of(othersSchedule)
                .region("eu-west", "DONE", probe(443, PortState.OPEN, 1_000)).insert(db);
        return new Stored(active, paused, othersSchedule);
    }

    /** GET /api/v1/metrics/schedules, which must answer 200 in the text format. */
    private static String scrape() {
        Response scrape = given().when().get("/api/v1/metrics/schedules");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain").contains("version=0.0.4");
        return scrape.asString();
    }

    private UUID schedule(String owner, boolean paused) {
        UUID id = UUID.randomUUID();
        Sql.update(db, """
                INSERT INTO schedules (id, owner, target, ports, port_count, timeout_ms, ip_family, every_ms,
                                       expected_state, paused, next_fire_at, created_at, updated_at, quota_subject)
                VALUES (?, ?, ?, '443,8443', 2, 500, 'ANY', 60000, 'OPEN', ?, now() + interval '1 day', now(), now(),
                        'owner:' || ?)
                """, id, owner, target, paused, owner);
        return id;
    }
}
