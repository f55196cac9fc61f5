package dev.parallax.coordinator.outbox;

import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against a real broker: every row leaves once, and a refused record waits on its own backoff without
 * holding back others.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class OutboxRelayTest {

    @Inject
    AgroalDataSource db;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxPublisher publisher;

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final UUID refusedEvent = UUID.randomUUID();
    private final UUID expiredEvent = UUID.randomUUID();

    @AfterEach
    void removeTestRows() {
        Sql.update(db, "DELETE FROM outbox_events WHERE event_id IN (?, ?)", refusedEvent, expiredEvent);
    }

    @Test
    void everyJobOfABurstOfSubmissionsLeavesExactlyOnce() throws Exception {
        int clients = 8;
        int checksPerClient = 40;
        String body = "{\"target\": \"127.0.0.1\", \"ports\": [443], \"regions\": [\"eu-west\", \"us-east\", "
                + "\"ap-south\"]}";
        double relayFailuresBefore = meters.counter("parallax.outbox.relay.failures").count();
        // Concurrent submissions, as under load: batches are sent and committed while other transactions come and go.
        Set<String> submitted = ConcurrentHashMap.newKeySet();
        try (ExecutorService submitters = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> done = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                done.add(submitters.submit(() -> {
                    for (int i = 0; i < checksPerClient; i++) {
                        submitted.add(Api.submit(body).toString());
                    }
                }));
            }
            for (Future<?> client : done) {
                client.get(120, TimeUnit.SECONDS);
            }
        }
        String checkIds = submitted.stream().collect(Collectors.joining(",", "{", "}"));
        await("every job of the burst marked sent").atMost(Duration.ofSeconds(60)).until(() -> Sql.count(db,
                "SELECT count(*) FROM outbox_events WHERE aggregate_id = ANY (CAST(? AS uuid[])) AND sent_at IS NULL",
                checkIds) == 0);

        for (String region : List.of("eu-west", "us-east", "ap-south")) {
            // Every row is marked sent, so every record is acknowledged and below its partition's end offset.
            List<ConsumerRecord<String, String>> published = KafkaTestClient.readToEnd(bootstrap,
                    "parallax.jobs." + region, Duration.ofSeconds(30));

            Map<String, Long> jobsPerCheck = published.stream().filter(record -> submitted.contains(record.key()))
                    .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(jobsPerCheck).as("%s jobs per check of the burst", region)
                    .hasSize(clients * checksPerClient);
            assertThat(jobsPerCheck.entrySet().stream().filter(check -> check.getValue() != 1).toList())
                    .as("checks whose %s job left more than once: a batch whose commit failed after Kafka "
                            + "acknowledged its records sends them again", region)
                    .isEmpty();
        }
        assertThat(meters.counter("parallax.outbox.relay.failures").count() - relayFailuresBefore)
                .as("relay rounds that failed (the coordinator's log says why) while the database was up")
                .isZero();
    }

    @Test
    void recordKafkaRefusesIsRetriedOnItsOwnBackoffWhileOtherJobsStillLeave() {
        Instant now = Instant.now();
        // A space is not allowed in a topic name: the producer refuses this record every time.
        insertRow(refusedEvent, "parallax.jobs.no such region", now, now.plusSeconds(3600));
        // Its job's deadline has passed: publishing it would only make an agent answer EXPIRED.
        insertRow(expiredEvent, "parallax.jobs.eu-west", now.minusSeconds(60), now.minusSeconds(1));
        relay.wake();

        await("the refused row is rescheduled").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sql.rows(db, """
                        SELECT attempts > 0 AS tried, sent_at IS NULL AS unsent, last_error IS NOT NULL AS has_error,
                               next_attempt_at > created_at AS rescheduled
                          FROM outbox_events WHERE event_id = ?""", refusedEvent))
                        .containsExactly(Map.of("tried", true, "unsent", true, "has_error", true, "rescheduled", true)));

        UUID check = Api.submit("{\"target\": \"127.0.0.1\", \"ports\": [443], \"regions\": [\"us-east\"]}");
        KafkaTestClient.awaitRecords(bootstrap, "parallax.jobs.us-east", check.toString(), 1, Duration.ofSeconds(30));

        assertThat(Sql.rows(db, "SELECT attempts, sent_at IS NULL AS unsent FROM outbox_events WHERE event_id = ?",
                expiredEvent))
                .as("a row past its job's deadline is never published")
                .containsExactly(Map.of("attempts", 0, "unsent", true));
    }

    @Test
    void relayThreadCanAskWhenTheNextRowIsDueWithoutARequestContext() throws Exception {
        Instant due = Instant.now().plusSeconds(600);
        insertRow(refusedEvent, "parallax.jobs.no such region", due, due.plusSeconds(3600));
        AtomicReference<Object> answer = new AtomicReference<>();
        // A plain platform thread, as the relay's own: no transaction, no CDI request context.
        Thread asker = Thread.ofPlatform().start(() -> {
            try {
                answer.set(publisher.nextDue());
            } catch (RuntimeException e) {
                answer.set(e);
            }
        });
        asker.join(Duration.ofSeconds(30));

        assertThat(answer.get()).as("nextDue() on a thread of its own").isInstanceOf(Optional.class);
        assertThat((Optional<?>) answer.get()).as("the earliest due row is at most ours").isPresent();
    }

    private void insertRow(UUID eventId, String topic, Instant createdAt, Instant expiresAt) {
        Sql.update(db, """
                        INSERT INTO outbox_events (event_id, aggregate_id, topic, message_key, payload, created_at,
                                                   expires_at, next_attempt_at)
                        VALUES (?, ?, ?, 'test', '{}', ?, ?, ?)""",
                eventId, UUID.randomUUID(), topic, Timestamp.from(createdAt), Timestamp.from(expiresAt),
                Timestamp.from(createdAt));
    }
}
