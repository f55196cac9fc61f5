package dev.parallax.coordinator.alert;

import dev.parallax.coordinator.database.SqlTimestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads a schedule's events with their webhook deliveries and the log of every attempt. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ScheduleEvents {

    private final EntityManager em;

    public ScheduleEvents(EntityManager em) {
        this.em = em;
    }

    public record Attempt(int attempt, Instant at, Integer httpStatus, String error, long durationMs) {
    }

    /** {@code status}: PENDING, DELIVERED or FAILED; null for an event of a schedule without a webhook. */
    public record Delivery(String url, String status, Instant deliveredAt, List<Attempt> attempts) {
    }

    public record Event(UUID eventId, String kind, String summary, Integer port, String region, UUID checkId,
                        Instant occurredAt, Delivery delivery) {
    }

    /** The newest {@code limit} events first. */
    public List<Event> recent(UUID scheduleId, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT e.event_id, e.kind, e.summary, e.port, e.region, e.check_id, e.created_at,
                               d.id, d.url, d.status, d.delivered_at
                          FROM schedule_events e LEFT JOIN webhook_deliveries d ON d.event_id = e.id
                         WHERE e.schedule_id = :id
                         ORDER BY e.id DESC
                         LIMIT :limit""")
                .setParameter("id", scheduleId)
                .setParameter("limit", limit)
                .getResultList();
        List<Long> deliveryIds = rows.stream().filter(row -> row[7] != null)
                .map(row -> ((Number) row[7]).longValue()).toList();
        Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
        if (!deliveryIds.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Object[]> attemptRows = em.createNativeQuery("""
                            SELECT delivery_id, attempt, attempted_at, http_status, error, duration_ms
                              FROM webhook_attempts WHERE delivery_id IN (:ids)
                             ORDER BY delivery_id, attempt""")
                    .setParameter("ids", deliveryIds)
                    .getResultList();
            for (Object[] row : attemptRows) {
                attempts.computeIfAbsent(((Number) row[0]).longValue(), id -> new ArrayList<>()).add(new Attempt(
                        ((Number) row[1]).intValue(), SqlTimestamps.instant(row[2]),
                        row[3] == null ? null : ((Number) row[3]).intValue(), (String) row[4],
                        ((Number) row[5]).longValue()));
            }
        }
        List<Event> events = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            Delivery delivery = row[7] == null ? null : new Delivery((String) row[8], (String) row[9],
                    SqlTimestamps.instant(row[10]), attempts.getOrDefault(((Number) row[7]).longValue(), List.of()));
            events.add(new Event((UUID) row[0], (String) row[1], (String) row[2],
                    row[3] == null ? null : ((Number) row[3]).intValue(), (String) row[4], (UUID) row[5],
                    SqlTimestamps.instant(row[6]), delivery));
        }
        return events;
    }
}
