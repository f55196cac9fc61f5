package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** Heartbeats over real Kafka keep a registry of agents; a silent agent goes offline. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class AgentRegistryTest {

    @Inject
    AgroalDataSource db;

    @Inject
    AgentRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** Other tests choose regions by liveness: leave no live test agent behind. */
    @AfterEach
    void forgetTestAgents() {
        Sql.update(db, "DELETE FROM agents WHERE region = 'zz-test'");
    }

    @Test
    void heartbeatRegistersALiveAgentAndSilenceMakesItOffline() {
        String agentId = "zz-test-" + UUID.randomUUID();
        Instant started = Instant.now().minusSeconds(60);
        Heartbeat heartbeat = new Heartbeat(agentId, "zz-test", "1.2.3", 512, started, Instant.now(),
                List.of("198.51.100.20", "2001:db8::20"));

        KafkaTestClient.publish(bootstrap, Topics.HEARTBEATS, agentId, WireJson.write(heartbeat));

        await("the heartbeat reaches the registry").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/v1/agents")
                        .then().statusCode(200)
                        .body("find { it.agentId == '" + agentId + "' }.online", equalTo(true))
                        .body("find { it.agentId == '" + agentId + "' }.region", equalTo("zz-test"))
                        .body("find { it.agentId == '" + agentId + "' }.probeCapacity", equalTo(512))
                        .body("find { it.agentId == '" + agentId + "' }.egressAddresses",
                                contains("198.51.100.20", "2001:db8::20")));
        given().when().get("/api/v1/regions")
                .then().statusCode(200)
                .body("find { it.region == 'zz-test' }.liveAgents", equalTo(1))
                .body("find { it.region == 'eu-west' }.agents", equalTo(0));

        Sql.update(db, "UPDATE agents SET last_seen = now() - interval '1 minute' WHERE agent_id = ?", agentId);

        given().when().get("/api/v1/agents")
                .then().body("find { it.agentId == '" + agentId + "' }.online", equalTo(false));
        given().when().get("/api/v1/regions")
                .then().body("find { it.region == 'zz-test' }.liveAgents", equalTo(0))
                .body("find { it.region == 'zz-test' }.agents", equalTo(1));
    }

    @Test
    void heartbeatTopicIsCompactedSoItKeepsEachAgentsLatest() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrap))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.HEARTBEATS);
            var config = admin.describeConfigs(List.of(resource)).all().get(15, java.util.concurrent.TimeUnit.SECONDS)
                    .get(resource);

            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void olderHeartbeatNeverOverwritesANewerOne() {
        String agentId = "zz-order-" + UUID.randomUUID();
        Instant now = Instant.now();
        registry.record(new Heartbeat(agentId, "zz-test", "2.0", 256, now.minusSeconds(30), now, List.of()));

        registry.record(new Heartbeat(agentId, "zz-test", "1.0", 256, now.minusSeconds(30), now.minusSeconds(5),
                List.of()));

        assertThat(Sql.rows(db, "SELECT version FROM agents WHERE agent_id = ?", agentId))
                .as("a redelivered or reordered older heartbeat").containsExactly(java.util.Map.of("version", "2.0"));
    }
}
