package dev.parallax.coordinator.observability;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.Management;
import dev.parallax.coordinator.testinfra.Promtool;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.coordinator.testinfra.Verdicts;
import dev.parallax.testsupport.PrometheusText;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.parallax.testsupport.PrometheusText.value;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /q/metrics, scraped and parsed as the Prometheus text format: a check's life moves the counters and histograms
 * by exactly what happened to it, the backlog gauges are there, and promtool accepts the whole exposition.
 * Counters are compared before and after, since other tests share the application.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class MetricsEndpointTest {

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4";

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aCheckAnsweredByEveryRegionMovesItsMetersByExactlyItsEvents() {
        Map<String, Double> before = scrape();

        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [80, 443], "regions": ["eu-west", "us-east"]}
                """);
        ProbeVerdict euWest = Verdicts.done(id, "eu-west",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 310),
                PortVerdict.of("127.0.0.1", 443, Reason.CONN_REFUSED, 120));
        ProbeVerdict usEast = Verdicts.done(id, "us-east",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 900),
                PortVerdict.of("127.0.0.1", 443, Reason.NO_RESPONSE, 2_000_000));
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(euWest));
        // A repeat: delivery is at least once, and the repeat must be counted as ignored, not stored.
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(euWest));
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(usEast));
        awaitComplete(id);
        // Same key, same partition, in order: the repeat was handled before us-east completed the check.

        Map<String, Double> after = scrape();
        assertThat(delta(before, after, "parallax_checks_accepted_total{source=\"api\"}")).as("accepted").isEqualTo(1);
        assertThat(delta(before, after, "parallax_checks_completed_total{outcome=\"done\"}")).as("completed, every"
                + " region DONE").isEqualTo(1);
        assertThat(delta(before, after, "parallax_check_latency_seconds_count{outcome=\"done\"}"))
                .as("end-to-end latency observations").isEqualTo(1);
        assertThat(delta(before, after, "parallax_check_latency_seconds_bucket{outcome=\"done\",le=\"+Inf\"}"))
                .as("the latency is a histogram with buckets").isEqualTo(1);
        for (String region : new String[] {"eu-west", "us-east"}) {
            assertThat(delta(before, after, "parallax_verdict_latency_seconds_count{region=\"" + region + "\"}"))
                    .as("verdict latency of " + region).isEqualTo(1);
            assertThat(delta(before, after, "parallax_regions_ended_total{region=\"" + region + "\",status=\"DONE\"}"))
                    .as(region + " ended DONE").isEqualTo(1);
        }
        assertThat(delta(before, after, "parallax_verdicts_received_total{outcome=\"stored\"}")).isEqualTo(2);
        assertThat(delta(before, after, "parallax_verdicts_received_total{outcome=\"ignored-terminal\"}"))
                .as("the repeated verdict").isEqualTo(1);
        assertThat(delta(before, after, "parallax_port_verdicts_total{region=\"eu-west\",state=\"OPEN\"}")).isEqualTo(1);
        assertThat(delta(before, after, "parallax_port_verdicts_total{region=\"eu-west\",state=\"CLOSED\"}")).isEqualTo(1);
        assertThat(delta(before, after, "parallax_port_verdicts_total{region=\"us-east\",state=\"FILTERED\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "parallax_outbox_published_total{outcome=\"sent\"}"))
                .as("one job per region published").isGreaterThanOrEqualTo(2);
        double latency = value(after, "parallax_check_latency_seconds_sum{outcome=\"done\"}")
                - value(before, "parallax_check_latency_seconds_sum{outcome=\"done\"}");
        assertThat(latency).as("seconds from acceptance to the last verdict").isGreaterThan(0).isLessThan(60);
    }

    @Test
    void aCheckEndedByItsDeadlineCountsAsPartialWithItsRegionUnavailable() {
        Map<String, Double> before = scrape();

        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [443], "regions": ["sa-east"]}
                """);
        Sql.update(db, "UPDATE checks SET deadline = now() - interval '1 second' WHERE id = ?", id);
        awaitComplete(id);

        Map<String, Double> after = scrape();
        // Other tests' scheduled runs may also reach their deadlines meanwhile: at least this one.
        assertThat(delta(before, after, "parallax_checks_completed_total{outcome=\"partial\"}")).isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "parallax_regions_ended_total{region=\"sa-east\",status=\"UNAVAILABLE\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "parallax_checks_completed_total{outcome=\"done\"}")).isZero();
    }

    @Test
    void theBacklogGaugesAreReadFromTheOutboxEachRegionsJobsTopicAndTheVerdictsTopic() {
        await("the backlog gauges refreshed").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Double> samples = scrape();
            assertThat(value(samples, "parallax_outbox_backlog")).as("outbox rows waiting").isNotNaN()
                    .isGreaterThanOrEqualTo(0);
            assertThat(value(samples, "parallax_outbox_oldest_age_seconds")).isNotNaN().isGreaterThanOrEqualTo(0);
            assertThat(value(samples, "parallax_verdicts_lag")).as("the coordinators' lag on parallax.verdicts")
                    .isNotNaN().isGreaterThanOrEqualTo(0);
            for (String region : new String[] {"eu-west", "us-east", "ap-south", "sa-east"}) {
                // No agent runs in these tests: every job published to a region is lag of its group.
                assertThat(value(samples, "parallax_jobs_lag{region=\"" + region + "\"}"))
                        .as("lag of " + Topics.agentGroup(region) + " on " + Topics.jobs(region)).isNotNaN()
                        .isGreaterThanOrEqualTo(0);
            }
        });
    }

    @Test
    void jvmHttpAndKafkaClientMetersAreExposedToo() {
        given().when().get("/api/v1/regions").then().statusCode(200);

        Map<String, Double> samples = scrape();

        assertThat(samples.keySet()).as("series names")
                .anyMatch(series -> series.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(series -> series.startsWith("http_server_requests_seconds_count{")
                        && series.contains("uri=\"/api/v1/regions\""))
                .anyMatch(series -> series.startsWith("kafka_consumer_"))
                .anyMatch(series -> series.startsWith("kafka_producer_"));
    }

    @Test
    @Tag("tools")
    void promtoolParsesTheWholeMetricsEndpointAndOurOwnMetersLintClean() throws Exception {
        given().when().get("/api/v1/regions").then().statusCode(200);
        String text = Management.given().accept(TEXT_FORMAT).when().get("/q/metrics").asString();

        // promtool exits 1 when it cannot parse, 3 when it only has naming complaints. The Kafka client's and
        // Vert.x's own meter names draw some (e.g. "_ns" units), which are theirs to fix, not ours.
        String whole = Promtool.checkMetrics(text);
        assertThat(whole).as("promtool check metrics on the whole of /q/metrics").doesNotStartWith("exit 1")
                .doesNotContain("error while linting");
        assertThat(whole.lines().filter(line -> line.startsWith("parallax_")).toList())
                .as("promtool's complaints about our own meters").isEmpty();
        String ours = PrometheusText.only(text, "parallax_");
        assertThat(ours).as("our meters are exposed").contains("# TYPE parallax_check_latency_seconds histogram");
        assertThat(Promtool.checkMetrics(ours)).as("promtool check metrics on the parallax_ meters").isEmpty();
    }

    private void awaitComplete(UUID id) {
        await("check " + id + " complete").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE id = ? AND status = 'COMPLETE'", id))
                        .isEqualTo(1));
    }

    /**
     * /q/metrics as samples, asked for in the text format (version 0.0.4, which promtool parses; without an Accept
     * header it answers OpenMetrics); it must answer 200 and parse strictly.
     */
    private static Map<String, Double> scrape() {
        Response scrape = Management.given().accept(TEXT_FORMAT).when().get("/q/metrics");
        assertThat(scrape.statusCode()).as("/q/metrics status").isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain").contains("version=0.0.4");
        return PrometheusText.samples(scrape.asString());
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return value(after, series) - before.getOrDefault(series, 0.0);
    }
}
