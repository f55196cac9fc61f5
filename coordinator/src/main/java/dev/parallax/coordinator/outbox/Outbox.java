package dev.parallax.coordinator.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.UUID;

/** Appends records to the transactional outbox; the {@link OutboxRelay} publishes them after commit. */
@ApplicationScoped
public class Outbox {

    /** Fired inside the writing transaction; observed after a successful commit to wake the relay. */
    public record Appended(int count) {
    }

    private final Event<Appended> appended;

    public Outbox(Event<Appended> appended) {
        this.appended = appended;
    }

    /** MUST run inside the transaction that writes the business rows, so both commit or neither does. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(UUID aggregateId, String topic, String key, String payload, Instant now, Instant expiresAt) {
        OutboxEvent event = new OutboxEvent();
        event.eventId = UUID.randomUUID();
        event.aggregateId = aggregateId;
        event.topic = topic;
        event.messageKey = key;
        event.payload = payload;
        event.createdAt = now;
        event.nextAttemptAt = now;
        event.expiresAt = expiresAt;
        event.persist();
        appended.fire(new Appended(1));
    }
}
