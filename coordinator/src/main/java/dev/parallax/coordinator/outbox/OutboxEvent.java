package dev.parallax.coordinator.outbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A Kafka record waiting to be published; written in the same transaction as the business rows. */
@Entity
@Table(name = "outbox_events")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    /** The business row this event belongs to (a check id). */
    @Column(name = "aggregate_id", nullable = false)
    public UUID aggregateId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "message_key", nullable = false)
    public String messageKey;

    /** The record value, already serialised with the wire contract's JSON mapping. */
    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** After this instant the record is worthless (its job's deadline passed) and is no longer published. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Not published before this instant: the row's own retry backoff. */
    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** Set only after Kafka acknowledged the record. */
    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;
}
