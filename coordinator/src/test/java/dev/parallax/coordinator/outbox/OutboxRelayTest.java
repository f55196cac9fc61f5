package dev.parallax.coordinator.outbox;

import dev.parallax.coordinator.testinfra.Api;
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

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay against a real broker: a refused record waits on its own backoff, and never holds back others. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class OutboxRelayTest {

    @Inject
    AgroalDataSource db;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final UUID refusedEvent = UUID.randomUUID();
    private final UUID expiredEvent = UUID.randomUUID();

    @AfterEach
    void removeTestRows() {
        Sql.update(db, "DELETE FROM outbox_events WHERE event_id IN (?, ?)", refusedEvent, expiredEvent);
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
