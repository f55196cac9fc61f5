package dev.parallax.coordinator.alert;

import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The webhook outbox's two transactions: claiming due deliveries under a lease, and recording what an attempt
 * got. MUST NOT hold a transaction while a receiver is called: the claim commits first (its lease keeps other
 * coordinators off the rows), the HTTP calls follow, the outcome commits after.
 */
@ApplicationScoped
public class WebhookDeliveries {

    private final EntityManager em;
    private final ParallaxConfig.Alerts config;

    public WebhookDeliveries(EntityManager em, ParallaxConfig config) {
        this.em = em;
        this.config = config.alerts();
    }

    /** A delivery taken for one attempt. */
    public record Claimed(long id, String url, int attempt, UUID eventId, String kind, String payload,
                          String secret) {
    }

    /** What one attempt got: an HTTP status, or an error; {@code permanent} when retrying cannot help. */
    public record Outcome(Claimed delivery, Instant attemptedAt, Integer httpStatus, String error, long durationMs,
                          boolean permanent) {

        boolean delivered() {
            return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
        }
    }

    /**
     * Takes up to {@code batchSize} due deliveries and leases them for one attempt: a coordinator that dies while
     * calling the receiver leaves them due again when the lease ends.
     */
    @Transactional
    public List<Claimed> claim(int batchSize) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant leaseUntil = now.plus(config.webhookTimeout().multipliedBy(2)).plusSeconds(30);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        WITH due AS (
                            SELECT id FROM webhook_deliveries
                             WHERE status = 'PENDING' AND next_attempt_at <= :now
                             ORDER BY next_attempt_at
                             LIMIT :batch
                               FOR UPDATE SKIP LOCKED)
                        UPDATE webhook_deliveries d
                           SET attempts = d.attempts + 1, next_attempt_at = :leaseUntil
                          FROM due, schedule_events e, schedules s
                         WHERE d.id = due.id AND e.id = d.event_id AND s.id = e.schedule_id
                        RETURNING d.id, d.url, d.attempts, e.event_id, e.kind, e.payload, s.webhook_secret""")
                .setParameter("now", now)
                .setParameter("batch", batchSize)
                .setParameter("leaseUntil", leaseUntil)
                .getResultList();
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            claimed.add(new Claimed(((Number) row[0]).longValue(), (String) row[1], ((Number) row[2]).intValue(),
                    (UUID) row[3], (String) row[4], (String) row[5], (String) row[6]));
        }
        return claimed;
    }

    /** Logs each attempt and moves its delivery on: DELIVERED, FAILED, or PENDING again after a backoff. */
    @Transactional
    public void record(List<Outcome> outcomes) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (Outcome outcome : outcomes) {
            Claimed delivery = outcome.delivery();
            em.createNativeQuery("""
                            INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, http_status, error,
                                                          duration_ms)
                            VALUES (:id, :attempt, :at, :status, :error, :duration)
                            ON CONFLICT DO NOTHING""")
                    .setParameter("id", delivery.id())
                    .setParameter("attempt", delivery.attempt())
                    .setParameter("at", outcome.attemptedAt())
                    .setParameter("status", outcome.httpStatus())
                    .setParameter("error", outcome.error())
                    .setParameter("duration", outcome.durationMs())
                    .executeUpdate();
            String status;
            Instant next = now;
            if (outcome.delivered()) {
                status = "DELIVERED";
            } else if (outcome.permanent() || delivery.attempt() >= config.webhookMaxAttempts()) {
                status = "FAILED";
            } else {
                status = "PENDING";
                next = now.plus(backoff(delivery.attempt()));
            }
            em.createNativeQuery("""
                            UPDATE webhook_deliveries
                               SET status = :status, next_attempt_at = :next,
                                   delivered_at = CASE WHEN :status = 'DELIVERED' THEN :now ELSE delivered_at END
                             WHERE id = :id""")
                    .setParameter("status", status)
                    .setParameter("next", next)
                    .setParameter("now", now)
                    .setParameter("id", delivery.id())
                    .executeUpdate();
        }
    }

    private Duration backoff(int attempt) {
        Duration wait = config.webhookFirstRetry().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(config.webhookMaxBackoff()) > 0 ? config.webhookMaxBackoff() : wait;
    }
}
