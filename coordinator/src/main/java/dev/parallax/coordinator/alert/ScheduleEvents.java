package dev.parallax.coordinator.alert;

import dev.parallax.coordinator.database.SqlTimestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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

    @Schema(name = "WebhookAttempt", description = "One attempt to deliver an event to the webhook.")
    public record Attempt(
            @Schema(description = "1 for the first attempt.", examples = "1") int attempt,
            @Schema(description = "When it was made.") Instant at,
            @Schema(description = "The receiver's HTTP status; null when none came (see `error`).", examples = "503")
            Integer httpStatus,
            @Schema(description = "Why no status came (connection refused, timeout, blocked address); null "
                    + "otherwise.") String error,
            @Schema(description = "How long it took, in milliseconds.", examples = "41") long durationMs) {
    }

    /** {@code status}: PENDING, DELIVERED or FAILED; null for an event of a schedule without a webhook. */
    @Schema(name = "WebhookDelivery", description = "An event's delivery to the schedule's webhook, retried from 1 s, "
            + "doubling up to 5 min, at most 8 attempts (`parallax.alerts.webhook-*`).")
    public record Delivery(
            @Schema(description = "The webhook the event is POSTed to.") String url,
            @Schema(description = "`PENDING` (being tried), `DELIVERED` (a 2xx came back) or `FAILED` (out of "
                    + "attempts, or refused by the target policy).", type = SchemaType.STRING,
                    enumeration = {"PENDING", "DELIVERED", "FAILED"}) String status,
            @Schema(description = "When a 2xx came back; null otherwise.") Instant deliveredAt,
            @Schema(description = "Every attempt so far, first first.") List<Attempt> attempts) {
    }

    @Schema(name = "ScheduleEvent", description = "Something that changed in what a schedule's runs see.")
    public record Event(
            @Schema(description = "The event's id; also the webhook's `X-Parallax-Event-Id`, to de-duplicate on "
                    + "(delivery is at least once).") UUID eventId,
            @Schema(description = "`port-down` / `port-up`: a port down or up again from one region, confirmed by "
                    + "`consecutive` runs; `alert-firing` / `alert-resolved`: at least `quorum` regions hold the "
                    + "port down, or no longer do; `divergence-started` / `divergence-ended`: the regions disagree "
                    + "about the port's state, or agree again; `runs-skipped` / `runs-resumed`: runs are skipped "
                    + "because the hourly check budget of the key the schedule is charged to cannot pay for them (or "
                    + "that key was revoked), or are paid for again.", type = SchemaType.STRING,
                    enumeration = {"port-down", "port-up", "alert-firing", "alert-resolved", "divergence-started",
                            "divergence-ended", "runs-skipped", "runs-resumed"}) String kind,
            @Schema(description = "The event in one line.",
                    examples = "443 down from us-east: CLOSED/conn-refused in 2 run(s) in a row (expected OPEN)")
            String summary,
            @Schema(description = "The port it is about; null for `runs-skipped` and `runs-resumed`.",
                    examples = "443") Integer port,
            @Schema(description = "The region, for `port-down` and `port-up`; null otherwise.", examples = "us-east")
            String region,
            @Schema(description = "The check of the run that confirmed it; null for `runs-skipped` and "
                    + "`runs-resumed`.") UUID checkId,
            @Schema(description = "When it was recorded.") Instant occurredAt,
            @Schema(description = "Its webhook delivery; null for a schedule without a webhook.") Delivery delivery) {
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
