package dev.parallax.coordinator.check;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A check accepted with 202 is durable (check, region and outbox rows) and its jobs reach Kafka. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CheckSubmissionTest {

    @Inject
    AgroalDataSource db;

    @Inject
    AgentRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void acceptedCheckIsStoredWithPendingRegionsAndItsJobsArePublishedPerRegion() {
        ExtractableResponse<Response> accepted = given().contentType(ContentType.JSON)
                .body("""
                        {"target": "127.0.0.1", "ports": [22, 443, "8000-8002", 443],
                         "regions": ["eu-west", "us-east"], "timeoutMs": 1500}
                        """)
                .when().post("/api/v1/checks")
                .then().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("ports", equalTo("22,443,8000-8002"))
                .body("timeoutMs", equalTo(1500))
                .body("ipFamily", equalTo("any"))
                .extract();
        UUID id = UUID.fromString(accepted.path("id"));
        assertThat(accepted.header("Location")).as("Location of the new check").endsWith("/api/v1/checks/" + id);
        assertThat((String) accepted.path("self")).isEqualTo(accepted.header("Location"));

        List<Map<String, Object>> check = Sql.rows(db, "SELECT target, ports, port_count, status FROM checks WHERE id = ?", id);
        assertThat(check).as("the check row").hasSize(1);
        assertThat(check.getFirst()).containsEntry("target", "127.0.0.1").containsEntry("ports", "22,443,8000-8002")
                .containsEntry("port_count", 5).containsEntry("status", "PENDING");
        assertThat(Sql.rows(db, "SELECT region, status FROM region_results WHERE check_id = ? ORDER BY region", id))
                .as("one PENDING row per region")
                .containsExactly(Map.of("region", "eu-west", "status", "PENDING"),
                        Map.of("region", "us-east", "status", "PENDING"));
        assertThat(Sql.rows(db, "SELECT topic FROM outbox_events WHERE aggregate_id = ? ORDER BY topic", id))
                .as("one outbox row per region")
                .containsExactly(Map.of("topic", "parallax.jobs.eu-west"), Map.of("topic", "parallax.jobs.us-east"));

        for (String region : List.of("eu-west", "us-east")) {
            ConsumerRecord<String, String> record = KafkaTestClient.awaitRecords(bootstrap, "parallax.jobs." + region,
                    id.toString(), 1, Duration.ofSeconds(30)).getFirst();
            ProbeJob job = WireJson.read(record.value(), ProbeJob.class);
            assertThat(job.checkId()).isEqualTo(id);
            assertThat(job.region()).isEqualTo(region);
            assertThat(job.target()).isEqualTo("127.0.0.1");
            assertThat(job.ports()).isEqualTo(PortSet.of(22, 443, 8000, 8001, 8002));
            assertThat(job.timeoutMs()).isEqualTo(1500);
            assertThat(job.ipFamily()).isEqualTo(IpFamily.ANY);
            assertThat(job.deadline()).isAfter(Instant.now());
        }
        await("outbox rows marked sent after Kafka acknowledged them, without waiting for the hourly sweep")
                .atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Sql.count(db, "SELECT count(*) FROM outbox_events WHERE aggregate_id = ? AND sent_at IS NULL", id))
                        .isZero());
    }

    @Test
    void newCheckReadsBackAsPendingWithEveryRegion() {
        UUID id = Api.submit("""
                {"target": "Example.COM.", "ports": ["443"], "regions": ["ap-south"]}
                """);

        given().when().get("/api/v1/checks/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id.toString()))
                .body("target", equalTo("example.com"))
                .body("timeoutMs", equalTo(2000))
                .body("regions[0].region", equalTo("ap-south"))
                .body("regions[0].status", equalTo("PENDING"))
                .body("comparison.divergentPorts.size()", equalTo(0))
                .body("comparison.unanswered[0]", equalTo("ap-south"));
    }

    @Test
    void checkWithoutRegionsGoesToEveryRegionWithALiveAgent() {
        heartbeat("eu-west", Instant.now());
        heartbeat("ap-south", Instant.now());

        List<String> regions = given().contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().jsonPath().getList("regions", String.class);
        List<String> all = given().contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": \"all\"}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().jsonPath().getList("regions", String.class);

        List<String> live = registry.regions().stream().filter(r -> r.liveAgents() > 0)
                .map(AgentRegistry.Region::name).toList();
        assertThat(regions).contains("eu-west", "ap-south").isSubsetOf(live);
        assertThat(all).isEqualTo(regions);
    }

    @Test
    void limitPicksThatManyOfTheLiveRegions() {
        heartbeat("eu-west", Instant.now());
        heartbeat("ap-south", Instant.now());

        List<String> regions = given().contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": \"all\", \"limit\": 1}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().jsonPath().getList("regions", String.class);

        assertThat(regions).hasSize(1);
        assertThat(registry.liveness(regions.getFirst())).isEqualTo(AgentRegistry.Liveness.LIVE);
    }

    @Test
    void regionWhoseAgentsHaveAllGoneQuietIsUnavailableAtOnceAndGetsNoJob() {
        String region = "zz-quiet";
        heartbeat(region, Instant.now());
        Sql.update(db, "UPDATE agents SET last_seen = now() - interval '10 minutes' WHERE region = ?", region);

        UUID id = UUID.fromString(given().contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"" + region + "\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().path("id"));

        given().when().get("/api/v1/checks/" + id)
                .then().statusCode(200)
                .body("status", equalTo("COMPLETE"))
                .body("regions[0].status", equalTo("UNAVAILABLE"))
                .body("regions[0].message", org.hamcrest.Matchers.startsWith("no-live-agent"));
        assertThat(Sql.count(db, "SELECT count(*) FROM outbox_events WHERE aggregate_id = ?", id))
                .as("no job for a region nobody serves").isZero();
    }

    /** Other tests rely on regions nobody registered: a region whose test agent went quiet is OFFLINE. */
    @AfterEach
    void forgetTestAgents() {
        Sql.update(db, "DELETE FROM agents WHERE agent_id LIKE '%-test-agent'");
    }

    private void heartbeat(String region, Instant at) {
        registry.record(new Heartbeat(region + "-test-agent", region, "t", 16, at.minusSeconds(60), at, List.of()));
    }

    @Test
    void deadlineAllowsForEveryWaveOfProbes() {
        // 1,000 ports in waves of 256 take four timeouts of 2 s, plus the 30 s grace.
        ExtractableResponse<Response> accepted = given().contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [\"1-1000\"], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract();

        Instant created = Instant.parse(accepted.path("createdAt"));
        Instant deadline = Instant.parse(accepted.path("deadline"));
        assertThat(java.time.Duration.between(created, deadline)).isEqualTo(Duration.ofSeconds(38));
    }

    @Test
    void internationalisedHostnameIsStoredAsItsALabel() {
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"bücher.example\", \"ports\": [443], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202)
                .body("target", equalTo("xn--bcher-kva.example"));
    }
}
