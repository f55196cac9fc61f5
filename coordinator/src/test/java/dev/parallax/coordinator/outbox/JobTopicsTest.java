package dev.parallax.coordinator.outbox;

import dev.parallax.common.contract.Topics;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every region's jobs topic gets at least {@code parallax.regions.job-partitions} partitions on a real broker,
 * whose own default for auto-created topics is fewer (3, see {@link RealInfrastructure}).
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class JobTopicsTest {

    @Inject
    AgroalDataSource db;

    @Inject
    OutboxRelay relay;

    @Inject
    ParallaxConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private Admin admin;
    private final List<UUID> events = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterEach
    void removeTestRowsAndTopics() throws Exception {
        events.forEach(event -> Sql.update(db, "DELETE FROM outbox_events WHERE event_id = ?", event));
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        admin.close();
    }

    @Test
    void configuredRegionsJobsTopicsHaveTheConfiguredPartitionsFromStartup() throws Exception {
        int wanted = config.regions().jobPartitions();

        for (String region : config.regions().known()) {
            String topic = Topics.jobs(region);
            assertThat(partitions(topic))
                    .as("partitions of %s, a configured region's jobs topic, once the coordinator started", topic)
                    .isGreaterThanOrEqualTo(wanted);
        }
    }

    @Test
    void regionKnownOnlyLaterGetsItsTopicCreatedWithTheConfiguredPartitionsBeforeItsFirstJob() throws Exception {
        String topic = newTopicName("zz-later");
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .as("precondition: %s must not exist before its first job", topic).doesNotContain(topic);

        publishOneJob(topic);

        assertThat(partitions(topic))
                .as("partitions of %s, created by the coordinator rather than auto-created by the broker on the"
                        + " first job", topic)
                .isEqualTo(config.regions().jobPartitions());
    }

    @Test
    void existingOnePartitionTopicIsRaisedToTheConfiguredPartitionsBeforeItsFirstJob() throws Exception {
        String topic = newTopicName("zz-grow");
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
        // Created is not yet described everywhere: until it is, the broker answers "unknown topic".
        await("precondition: " + topic + " visible with 1 partition").atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> partitions(topic) == 1);

        publishOneJob(topic);

        await("partitions of " + topic + " raised from 1").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(partitions(topic))
                        .as("partitions of %s, which existed with 1 before its first job", topic)
                        .isEqualTo(config.regions().jobPartitions()));
    }

    @Test
    void existingTopicWithMorePartitionsKeepsThem() throws Exception {
        String topic = newTopicName("zz-wide");
        int more = config.regions().jobPartitions() + 2;
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(more), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);

        publishOneJob(topic);

        assertThat(partitions(topic))
                .as("partitions of %s, which had more than configured: never lowered", topic).isEqualTo(more);
    }

    private String newTopicName(String regionPrefix) {
        String topic = Topics.jobs(regionPrefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        topics.add(topic);
        return topic;
    }

    /**
     * Writes one outbox row for the topic, as a check would, and waits until Kafka acknowledged its record. Not
     * by reading the topic: a consumer's metadata request would itself make the broker auto-create the topic.
     */
    private void publishOneJob(String topic) {
        UUID event = UUID.randomUUID();
        events.add(event);
        Instant now = Instant.now();
        Sql.update(db, """
                        INSERT INTO outbox_events (event_id, aggregate_id, topic, message_key, payload, created_at,
                                                   expires_at, next_attempt_at)
                        VALUES (?, ?, ?, ?, '{}', ?, ?, ?)""",
                event, UUID.randomUUID(), topic, event.toString(), Timestamp.from(now),
                Timestamp.from(now.plusSeconds(3600)), Timestamp.from(now));
        relay.wake();
        await("the relay publishes the job for " + topic).atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sql.rows(db, "SELECT sent_at IS NOT NULL AS sent, coalesce(last_error, '') AS last_error"
                        + " FROM outbox_events WHERE event_id = ?", event))
                        .as("the outbox row of the job for %s, acknowledged by Kafka", topic)
                        .containsExactly(Map.of("sent", true, "last_error", "")));
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }
}
