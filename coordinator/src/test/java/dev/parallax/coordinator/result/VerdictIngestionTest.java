package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.coordinator.testinfra.Verdicts;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Verdicts arrive at least once over real Kafka; each (check, region, address, port) is stored once. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class VerdictIngestionTest {

    @Inject
    AgroalDataSource db;

    @Inject
    VerdictStore store;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void sameVerdictTwiceStoresOneSetOfRowsAndRegionsAreCompared() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [80, 443], "regions": ["eu-west", "us-east"]}
                """);
        ProbeVerdict euWest = Verdicts.done(id, "eu-west",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 310),
                PortVerdict.of("127.0.0.1", 443, Reason.CONN_REFUSED, 120));
        ProbeVerdict usEast = Verdicts.done(id, "us-east",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 90_000),
                PortVerdict.of("127.0.0.1", 443, Reason.NO_RESPONSE, 2_000_000));

        String json = WireJson.write(euWest);
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), json);
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), json);
        // Same key, same partition, consumed in order: once us-east is stored, the repeat was processed too.
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(usEast));

        await("both regions stored").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sql.count(db, "SELECT count(*) FROM region_results WHERE check_id = ? AND status = 'DONE'", id))
                        .isEqualTo(2));
        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id = ?", id))
                .as("one row per (region, address, port) despite the repeated verdict").isEqualTo(4);
        assertThat(Sql.rows(db, "SELECT verdict_id FROM region_results WHERE check_id = ? AND region = 'eu-west'", id))
                .containsExactly(Map.of("verdict_id", euWest.verdictId()));

        given().when().get("/api/v1/checks/" + id)
                .then().statusCode(200)
                .body("status", equalTo("COMPLETE"))
                .body("regions.find { it.region == 'eu-west' }.agentId", equalTo("eu-west-agent"))
                .body("regions.find { it.region == 'eu-west' }.resolvedAddresses", contains("127.0.0.1"))
                .body("regions.find { it.region == 'eu-west' }.ports", hasSize(2))
                .body("regions.find { it.region == 'eu-west' }.ports.find { it.port == 80 }.state", equalTo("OPEN"))
                .body("regions.find { it.region == 'eu-west' }.ports.find { it.port == 80 }.reason", equalTo("syn-ack"))
                .body("regions.find { it.region == 'eu-west' }.ports.find { it.port == 80 }.rttMicros", equalTo(310))
                .body("regions.find { it.region == 'us-east' }.ports.find { it.port == 443 }.state", equalTo("FILTERED"))
                .body("regions.find { it.region == 'us-east' }.ports.find { it.port == 443 }.reason", equalTo("no-response"))
                .body("comparison.divergentPorts", contains(443))
                .body("comparison.summary", equalTo("443 closed from eu-west; filtered from us-east."
                        + " 80 open from eu-west, us-east."))
                .body("comparison.ports.find { it.port == 80 }.verdict", equalTo("consistent"))
                .body("comparison.ports.find { it.port == 80 }.states.OPEN", contains("eu-west", "us-east"))
                .body("comparison.ports.find { it.port == 443 }.verdict", equalTo("divergent"))
                .body("comparison.ports.find { it.port == 443 }.states.CLOSED", contains("eu-west"))
                .body("comparison.ports.find { it.port == 443 }.states.FILTERED", contains("us-east"));

        given().queryParam("divergent", true).queryParam("limit", 100).when().get("/api/v1/checks")
                .then().statusCode(200)
                .body("checks.find { it.id == '" + id + "' }.divergentPorts", equalTo(1));
    }

    @Test
    void checkWhoseRegionsAgreeIsNotListedAsDivergent() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [80], "regions": ["eu-west", "us-east"]}
                """);
        store.store(Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 10)));
        store.store(Verdicts.done(id, "us-east", PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 20)));

        List<String> divergent = given().queryParam("divergent", "true").queryParam("limit", 100)
                .when().get("/api/v1/checks")
                .then().statusCode(200).extract().jsonPath().getList("checks.id", String.class);
        List<String> all = given().queryParam("limit", 100).when().get("/api/v1/checks")
                .then().statusCode(200).extract().jsonPath().getList("checks.id", String.class);

        assertThat(all).contains(id.toString());
        assertThat(divergent).doesNotContain(id.toString());
    }

    @Test
    void laterVerdictNeverChangesATerminalRegion() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west"]}
                """);
        ProbeVerdict first = Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 100));
        ProbeVerdict other = Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 22, Reason.CONN_REFUSED, 100));

        assertThat(store.store(first)).isEqualTo(VerdictStore.Outcome.STORED);
        assertThat(store.store(first)).as("a repeat").isEqualTo(VerdictStore.Outcome.IGNORED_TERMINAL);
        assertThat(store.store(other)).as("a different, later verdict").isEqualTo(VerdictStore.Outcome.IGNORED_TERMINAL);

        assertThat(Sql.rows(db, "SELECT state FROM port_results WHERE check_id = ?", id))
                .containsExactly(Map.of("state", "OPEN"));
        assertThat(Sql.rows(db, "SELECT status FROM checks WHERE id = ?", id))
                .containsExactly(Map.of("status", "COMPLETE"));
    }

    @Test
    void aPortRowIsStoredOnceEvenWhenAVerdictRepeatsIt() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west"]}
                """);
        PortVerdict port = PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 100);

        assertThat(store.store(Verdicts.done(id, "eu-west", port, port))).isEqualTo(VerdictStore.Outcome.STORED);

        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id = ?", id))
                .as("ON CONFLICT DO NOTHING keeps one row per (check, region, address, port)").isEqualTo(1);
    }

    @Test
    void aBatchDecidesEachVerdictAsIfStoredOneByOneAndAnswersInItsOrder() {
        UUID complete = Api.submit("""
                {"target": "127.0.0.1", "ports": [80, 443], "regions": ["eu-west", "us-east"]}
                """);
        UUID alreadyAnswered = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west"]}
                """);
        ProbeVerdict earlier = Verdicts.done(alreadyAnswered, "eu-west",
                PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 100));
        assertThat(store.store(earlier)).isEqualTo(VerdictStore.Outcome.STORED);

        ProbeVerdict euWest = Verdicts.done(complete, "eu-west",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 10),
                PortVerdict.of("127.0.0.1", 443, Reason.CONN_REFUSED, 11));
        ProbeVerdict usEast = Verdicts.done(complete, "us-east",
                PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 20),
                PortVerdict.of("127.0.0.1", 443, Reason.NO_RESPONSE, 21));
        ProbeVerdict repeatInBatch = Verdicts.done(complete, "eu-west",
                PortVerdict.of("127.0.0.1", 80, Reason.CONN_REFUSED, 30));
        ProbeVerdict late = Verdicts.done(alreadyAnswered, "eu-west",
                PortVerdict.of("127.0.0.1", 22, Reason.CONN_REFUSED, 40));
        ProbeVerdict notAsked = Verdicts.done(alreadyAnswered, "us-east");
        ProbeVerdict noSuchCheck = Verdicts.done(UUID.randomUUID(), "eu-west");

        List<VerdictStore.Stored> outcomes = store.storeAll(
                List.of(notAsked, euWest, late, repeatInBatch, noSuchCheck, usEast));

        assertThat(outcomes).extracting(VerdictStore.Stored::verdict)
                .as("the answer keeps the batch's order")
                .containsExactly(notAsked, euWest, late, repeatInBatch, noSuchCheck, usEast);
        assertThat(outcomes).extracting(VerdictStore.Stored::outcome).containsExactly(
                VerdictStore.Outcome.IGNORED_UNKNOWN, VerdictStore.Outcome.STORED,
                VerdictStore.Outcome.IGNORED_TERMINAL, VerdictStore.Outcome.IGNORED_TERMINAL,
                VerdictStore.Outcome.IGNORED_UNKNOWN, VerdictStore.Outcome.STORED);
        assertThat(Sql.rows(db, "SELECT region, port, state FROM port_results WHERE check_id = ? ORDER BY 1, 2",
                complete)).as("the first verdict of a region wins; the repeat in the same batch adds nothing")
                .containsExactly(
                        Map.of("region", "eu-west", "port", 80, "state", "OPEN"),
                        Map.of("region", "eu-west", "port", 443, "state", "CLOSED"),
                        Map.of("region", "us-east", "port", 80, "state", "OPEN"),
                        Map.of("region", "us-east", "port", 443, "state", "FILTERED"));
        assertThat(Sql.rows(db, "SELECT status, divergent_ports FROM checks WHERE id = ?", complete))
                .as("both regions in one batch complete the check and count its divergent port")
                .containsExactly(Map.of("status", "COMPLETE", "divergent_ports", 1));
        assertThat(Sql.rows(db, "SELECT state FROM port_results WHERE check_id = ?", alreadyAnswered))
                .as("a verdict after the region ended changes nothing").containsExactly(Map.of("state", "OPEN"));
    }

    @Test
    void verdictForAnUnknownCheckOrRegionIsIgnored() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west"]}
                """);

        assertThat(store.store(Verdicts.done(UUID.randomUUID(), "eu-west")))
                .isEqualTo(VerdictStore.Outcome.IGNORED_UNKNOWN);
        assertThat(store.store(Verdicts.done(id, "us-east", PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 1))))
                .as("a region the check never asked").isEqualTo(VerdictStore.Outcome.IGNORED_UNKNOWN);
        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id = ?", id)).isZero();
    }

    @Test
    void malformedVerdictsAreParkedWithTheirReasonAndTheNextOneIsStored() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west"]}
                """);

        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), "{not json");
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), "null");
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), "{\"checkId\": \"" + id + "\"}");
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(),
                WireJson.write(Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 7))));

        await("the valid verdict after three malformed ones").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sql.rows(db, "SELECT status FROM region_results WHERE check_id = ?", id))
                        .containsExactly(Map.of("status", "DONE")));
        List<Map<String, Object>> ports = Sql.rows(db, "SELECT port, state FROM port_results WHERE check_id = ?", id);
        assertThat(ports).containsExactly(Map.of("port", 22, "state", "OPEN"));
        List<ConsumerRecord<String, String>> parked = KafkaTestClient.awaitRecords(bootstrap,
                Topics.VERDICTS_DEAD_LETTERS, id.toString(), 3, Duration.ofSeconds(30));
        assertThat(parked).extracting(ConsumerRecord::value).as("parked verdicts")
                .containsExactlyInAnyOrder("{not json", "null", "{\"checkId\": \"" + id + "\"}");
        assertThat(parked).allSatisfy(record -> {
            assertThat(record.headers().lastHeader(Topics.DEAD_LETTER_REASON)).as("reason header").isNotNull();
            assertThat(new String(record.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.VERDICTS);
        });
    }
}
