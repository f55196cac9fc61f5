package dev.parallax.coordinator.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;

/** Appends records to the transactional outbox; the {@link OutboxRelay} publishes them after commit. */
@ApplicationScoped
public class Outbox {

    /** Fired inside the writing transaction; observed after a successful commit to wake the relay. */
    public record Appended(int count) {
    }

    /** A record to publish: its Kafka topic, key and payload, and when it is no longer worth sending. */
    public record OutgoingMessage(UUID aggregateId, String topic, String key, String payload, Instant expiresAt) {
    }

    private final Event<Appended> appended;
    private final EntityManager em;

    public Outbox(Event<Appended> appended, EntityManager em) {
        this.appended = appended;
        this.em = em;
    }

    /**
     * MUST run inside the transaction that writes the business rows, so both commit or neither does. One JDBC
     * batch however many messages: a schedule batch appends hundreds at once.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(List<OutgoingMessage> messages, Instant now) {
        if (messages.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO outbox_events (event_id, aggregate_id, topic, message_key, payload, created_at,
                                               next_attempt_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)) {
                for (OutgoingMessage message : messages) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, message.aggregateId());
                    insert.setString(3, message.topic());
                    insert.setString(4, message.key());
                    insert.setString(5, message.payload());
                    insert.setObject(6, bind(now));
                    insert.setObject(7, bind(now));
                    insert.setObject(8, bind(message.expiresAt()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        appended.fire(new Appended(messages.size()));
    }
}
