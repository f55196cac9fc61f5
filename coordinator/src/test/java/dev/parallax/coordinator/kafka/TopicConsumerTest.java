package dev.parallax.coordinator.kafka;

import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.Management;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The coordinator's consumer loop on a real broker: what it commits, what it reads again, and what health shows.
 * Each test has a topic and group of its own.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class TopicConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TopicConsumers consumers;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String topic;
    private String group;
    private Admin admin;
    private final List<TopicConsumer> started = new ArrayList<>();

    @BeforeEach
    void names() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "test.topic-consumer." + run;
        group = "test-topic-consumer-" + run;
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (TopicConsumer consumer : started) {
            consumer.stop(WAIT);
        }
        admin.close();
    }

    @Test
    void handledRecordsAreCommittedWithinAboutASecond() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(TopicConsumer.Offsets.COMMITTED, records -> records.forEach(record -> handled.add(record.value())));

        publish("k", "one", "two", "three");

        await().atMost(WAIT).untilAsserted(() -> assertThat(handled).as("records handled").hasSize(3));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedTotal())
                .as("offsets committed for the group, summed over partitions").isEqualTo(3));
        assertThat(handled).as("each record handled once, in order").containsExactly("one", "two", "three");
    }

    @Test
    void aBatchWhoseHandlerThrewIsReadAgainAndOnlyThenCommitted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        start(TopicConsumer.Offsets.COMMITTED, records -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails on purpose");
            }
            records.forEach(record -> handled.add(record.value()));
        });

        publish("k", "a", "b");

        await().atMost(WAIT).untilAsserted(() -> assertThat(handled).as("records handled after the failure")
                .containsExactly("a", "b"));
        assertThat(calls.get()).as("handler calls: the failed one, then the retry").isGreaterThanOrEqualTo(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedTotal()).isEqualTo(2));
    }

    @Test
    void aStoppedConsumerHasCommittedWhatItHandledAndTheGroupResumesAfterIt() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        TopicConsumer first = start(TopicConsumer.Offsets.COMMITTED,
                records -> records.forEach(record -> handled.add(record.value())));
        publish("k", "before");
        await().atMost(WAIT).untilAsserted(() -> assertThat(handled).containsExactly("before"));

        first.stop(WAIT);
        assertThat(committedTotal()).as("committed on stop, without waiting for the next periodic commit")
                .isEqualTo(1);

        List<String> second = new CopyOnWriteArrayList<>();
        start(TopicConsumer.Offsets.COMMITTED, records -> records.forEach(record -> second.add(record.value())));
        publish("k", "after");
        await().atMost(WAIT).untilAsserted(() -> assertThat(second).as("what the group's next consumer reads")
                .containsExactly("after"));
    }

    @Test
    void aConsumerWithoutOffsetsCommitsNothing() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        TopicConsumer consumer = start(TopicConsumer.Offsets.NONE,
                records -> records.forEach(record -> handled.add(record.value())));
        publish("k", "x");
        await().atMost(WAIT).untilAsserted(() -> assertThat(handled).containsExactly("x"));
        consumer.stop(WAIT);

        assertThat(committed()).as("offsets of a group whose consumer keeps none").isEmpty();
    }

    @Test
    void healthShowsEveryConsumerAndStaysUpForOneThatWasStopped() throws Exception {
        TopicConsumer consumer = start(TopicConsumer.Offsets.NONE, records -> { });
        await().atMost(WAIT).until(() -> !consumer.state().partitions().isEmpty());
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'kafka consumers' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka consumers' }.data.'" + consumer.state().name() + "'",
                        startsWith("reading " + topic));

        consumer.stop(WAIT);

        assertThat(consumer.state().running()).as("the consumer's thread after stop").isFalse();
        Management.given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'kafka consumers' }.status", equalTo("UP"));
    }

    @Test
    void aConsumerWhosePollsKeepFailingMakesTheCoordinatorUnreadyButNotDead() throws Exception {
        publish("k", "exists");
        // A new group with no offset reset policy: every poll fails with "no offset for partition".
        TopicConsumer consumer = start(TopicConsumer.Offsets.COMMITTED,
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"), records -> { });

        await().atMost(WAIT).untilAsserted(() -> assertThat(consumer.state().pollFailures())
                .as("polls failed in a row").isGreaterThanOrEqualTo(TopicConsumersHealth.POLL_FAILURES_NOT_READY));
        Management.given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'kafka consumers' }.status", equalTo("DOWN"));
        Management.given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'kafka consumers' }.status", equalTo("UP"));

        consumer.stop(WAIT);
        Management.given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'kafka consumers' }.status", equalTo("UP"));
    }

    private TopicConsumer start(TopicConsumer.Offsets offsets, TopicConsumer.BatchHandler handler) {
        return start(offsets, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), handler);
    }

    private TopicConsumer start(TopicConsumer.Offsets offsets, Map<String, Object> settings,
                                TopicConsumer.BatchHandler handler) {
        TopicConsumer consumer = consumers.start("test-consumer-" + topic, topic, group, offsets, settings, handler);
        started.add(consumer);
        return consumer;
    }

    private void publish(String key, String... values) {
        for (String value : values) {
            KafkaTestClient.publish(bootstrap, topic, key, value);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }

    private long committedTotal() throws Exception {
        return committed().values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
}
