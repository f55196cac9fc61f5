package dev.parallax.coordinator.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.common.contract.PortState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records what changed for a schedule as an event, with its webhook delivery when the schedule has a webhook, in the
 * caller's transaction: the alert evaluator's port, quorum and divergence changes, and the firer's runs skipped for
 * want of budget. The body is stored exactly as it will be signed and sent.
 */
@ApplicationScoped
public class ScheduleEventLog {

    private static final Logger LOG = Logger.getLogger(ScheduleEventLog.class);

    private final EntityManager em;
    private final ObjectMapper json;

    public ScheduleEventLog(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /** The schedule an event is about, as its webhook body describes it. */
    public record About(UUID id, String target, String ports, PortState expect, String webhook) {

        public static About of(Schedule schedule) {
            return new About(schedule.id(), schedule.target(), schedule.ports(), schedule.expectedState(),
                    schedule.alertWebhook());
        }
    }

    /**
     * An event before it is stored: its kind, the port, region and check it concerns (each may be null), a one-line
     * summary and the details its webhook body carries.
     */
    public record Event(String kind, Integer port, String region, UUID checkId, String summary,
                        Map<String, Object> detail) {
    }

    public void record(About schedule, Event event, Instant now) {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", eventId);
        body.put("kind", event.kind());
        body.put("occurredAt", now.toString());
        body.put("summary", event.summary());
        body.put("schedule", Map.of("id", schedule.id(), "target", schedule.target(), "ports", schedule.ports(),
                "expect", schedule.expect().name()));
        body.put("port", event.port());
        body.put("region", event.region());
        body.put("checkId", event.checkId());
        body.put("detail", event.detail());
        String payload;
        try {
            payload = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event, e);
        }
        Number id = (Number) em.createNativeQuery("""
                        INSERT INTO schedule_events (event_id, schedule_id, kind, port, region, check_id, summary,
                                                     payload, created_at)
                        VALUES (:eventId, :scheduleId, :kind, :port, :region, :checkId, :summary, :payload, :now)
                        RETURNING id""")
                .setParameter("eventId", eventId)
                .setParameter("scheduleId", schedule.id())
                .setParameter("kind", event.kind())
                .setParameter("port", event.port())
                .setParameter("region", event.region())
                .setParameter("checkId", event.checkId())
                .setParameter("summary", event.summary())
                .setParameter("payload", payload)
                .setParameter("now", now)
                .getSingleResult();
        if (schedule.webhook() != null) {
            em.createNativeQuery("""
                            INSERT INTO webhook_deliveries (event_id, url, status, next_attempt_at)
                            VALUES (:event, :url, 'PENDING', :now)""")
                    .setParameter("event", id.longValue())
                    .setParameter("url", schedule.webhook())
                    .setParameter("now", now)
                    .executeUpdate();
        }
        LOG.infof("Schedule %s: %s — %s", schedule.id(), event.kind(), event.summary());
    }
}
