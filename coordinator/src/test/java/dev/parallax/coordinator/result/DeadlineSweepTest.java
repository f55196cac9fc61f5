package dev.parallax.coordinator.result;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.coordinator.testinfra.Verdicts;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** At its deadline every region without a verdict ends UNAVAILABLE, and the check completes. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class DeadlineSweepTest {

    @Inject
    AgroalDataSource db;

    @Inject
    VerdictStore store;

    @Inject
    AgentRegistry registry;

    @Test
    void regionWithoutVerdictBecomesUnavailableAtTheDeadlineAndStaysSo() {
        // us-east has a live agent that never answers; sa-east has no agent at all.
        Instant now = Instant.now();
        registry.record(new Heartbeat("us-east-sweeper-test", "us-east", "t", 1, now, now, List.of()));
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22], "regions": ["eu-west", "sa-east", "us-east"]}
                """);
        store.store(Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 55)));
        given().when().get("/api/v1/checks/" + id).then().body("status", equalTo("RUNNING"));

        // The real deadline is seconds away; move it into the past and let the real sweeper find it.
        Sql.update(db, "UPDATE checks SET deadline = now() - interval '1 second' WHERE id = ?", id);

        await("the sweeper ends the check").atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().when().get("/api/v1/checks/" + id)
                        .then().statusCode(200)
                        .body("status", equalTo("COMPLETE"))
                        .body("completedAt", notNullValue())
                        .body("regions.find { it.region == 'sa-east' }.status", equalTo("UNAVAILABLE"))
                        .body("regions.find { it.region == 'sa-east' }.message", startsWith("no-live-agent"))
                        .body("regions.find { it.region == 'us-east' }.status", equalTo("UNAVAILABLE"))
                        .body("regions.find { it.region == 'us-east' }.message", equalTo("no verdict by the deadline"))
                        .body("regions.find { it.region == 'eu-west' }.status", equalTo("DONE")));

        VerdictStore.Outcome late = store.store(
                Verdicts.done(id, "sa-east", PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 55)));

        assertThat(late).as("a verdict after the deadline").isEqualTo(VerdictStore.Outcome.IGNORED_TERMINAL);
        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id = ? AND region = 'sa-east'", id))
                .isZero();
        given().when().get("/api/v1/checks/" + id)
                .then().body("regions.find { it.region == 'sa-east' }.status", equalTo("UNAVAILABLE"));
        Sql.update(db, "DELETE FROM agents WHERE agent_id = 'us-east-sweeper-test'");
    }
}
