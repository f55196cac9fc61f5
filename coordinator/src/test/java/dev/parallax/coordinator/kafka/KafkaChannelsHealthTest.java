package dev.parallax.coordinator.kafka;

import dev.parallax.common.contract.Topics;
import dev.parallax.common.kafka.TopicConsumerHealth;
import dev.parallax.coordinator.testinfra.Management;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka channels are the connector's, configured in application.properties, and the verdicts are read by a plain
 * consumer: both use the topics and group the wire contract names, and the health checks name every channel and
 * consumer the coordinator reads and writes (a real broker makes them UP).
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class KafkaChannelsHealthTest {

    private static final String MESSAGING_CHECKS = "checks.find { it.name.startsWith('SmallRye Reactive Messaging') }";
    private static final String CONSUMER_CHECKS = "checks.find { it.name == '" + TopicConsumerHealth.NAME + "' }";

    @ConfigProperty(name = "mp.messaging.outgoing.dead-letters.topic")
    String verdictsDeadLetters;
    @ConfigProperty(name = "mp.messaging.incoming.heartbeats.topic")
    String heartbeatsTopic;

    @Test
    void theChannelsUseTheTopicsTheContractNames() {
        assertThat(verdictsDeadLetters).as("verdicts' dead-letter topic").isEqualTo(Topics.VERDICTS_DEAD_LETTERS);
        assertThat(heartbeatsTopic).as("heartbeats channel's topic").isEqualTo(Topics.HEARTBEATS);
    }

    @Test
    void readinessReportsTheVerdictsConsumerReadingItsTopicInTheCoordinatorsGroup() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath health = Management.given().get("/q/health/ready").then().extract().jsonPath();
            assertThat(health.getString(CONSUMER_CHECKS + ".status")).as("consumers' readiness in %s",
                    health.prettify()).isEqualTo("UP");
            assertThat(health.getString(CONSUMER_CHECKS + ".data.kafka-consumer-verdicts")).as("the verdicts consumer")
                    .startsWith("reading " + Topics.VERDICTS + ", group " + Topics.COORDINATOR_GROUP + ",");
        });
    }

    @Test
    void readinessReportsEveryChannelUpOnARealBroker() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath health = Management.given().get("/q/health/ready").then().extract().jsonPath();
            Map<String, Object> messaging = health.getMap(MESSAGING_CHECKS);
            assertThat(messaging).as("the connector's readiness check in %s", health.prettify()).isNotNull();
            assertThat(messaging.get("status")).as("messaging readiness in %s", health.prettify()).isEqualTo("UP");
            assertThat(health.getMap(MESSAGING_CHECKS + ".data")).as("channels in the readiness check")
                    .containsKeys("heartbeats", "jobs", "dead-letters");
        });
    }

    @Test
    void livenessReportsEveryChannelUp() {
        JsonPath health = Management.given().get("/q/health/live").then().statusCode(200).extract().jsonPath();
        assertThat(health.getMap(MESSAGING_CHECKS + ".data")).as("channels in the liveness check of %s",
                health.prettify()).containsKeys("heartbeats", "jobs", "dead-letters");
        assertThat(health.getString(CONSUMER_CHECKS + ".status")).as("consumers' liveness in %s", health.prettify())
                .isEqualTo("UP");
    }
}
