package dev.parallax.coordinator.schedule;

import dev.parallax.common.target.PortSet;
import dev.parallax.common.target.TargetHost;
import dev.parallax.coordinator.check.CheckService;
import dev.parallax.coordinator.check.CheckSpec;
import dev.parallax.coordinator.check.CheckValidator;
import dev.parallax.coordinator.check.InvalidCheckException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Fires due schedules, exactly once per due time however many coordinators run this at once.
 *
 * <p>MUST run a batch in one transaction: the schedule rows are claimed with {@code FOR NO KEY UPDATE SKIP
 * LOCKED} (another coordinator skips them until this one commits; NO KEY, so that the key-share locks taken by
 * inserts that reference a schedule, the evaluator's and the rollup's, do not make a due schedule look taken),
 * the firing is recorded under {@code PRIMARY KEY (schedule_id, fire_time)} (a second firing of the same due
 * time inserts nothing), and the check, its outbox rows and the schedule's next due time commit together with
 * it, or not at all.
 */
@ApplicationScoped
public class ScheduleFirer {

    private static final Logger LOG = Logger.getLogger(ScheduleFirer.class);
    /** This coordinator, as {@code pid@host}: recorded with each firing, so an operator sees who fired what. */
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();

    private final EntityManager em;
    private final CheckService checks;
    private final CheckValidator validator;

    public ScheduleFirer(EntityManager em, CheckService checks, CheckValidator validator) {
        this.em = em;
        this.checks = checks;
        this.validator = validator;
    }

    /** Fires at most {@code batchSize} due schedules; returns how many it claimed. */
    @Transactional
    public int fireDue(int batchSize) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        @SuppressWarnings("unchecked")
        List<UUID> due = em.createNativeQuery("""
                        SELECT id FROM schedules
                         WHERE NOT paused AND next_fire_at <= :now
                         ORDER BY next_fire_at
                         LIMIT :batch
                           FOR NO KEY UPDATE SKIP LOCKED
                        """, UUID.class)
                .setParameter("now", now)
                .setParameter("batch", batchSize)
                .getResultList();
        for (UUID id : due) {
            fire(em.find(Schedule.class, id), now);
            // One schedule's entities at a time: before each query Hibernate flushes, dirty-checking everything
            // it manages, which over a batch of 200 made firing quadratic (the rows stay locked until commit).
            em.flush();
            em.clear();
        }
        return due.size();
    }

    private void fire(Schedule schedule, Instant now) {
        Instant fireTime = schedule.nextFireAt;
        int recorded = em.createNativeQuery("""
                        INSERT INTO schedule_firings (schedule_id, fire_time, fired_at, fired_by)
                        VALUES (:id, :fireTime, :now, :instance)
                        ON CONFLICT DO NOTHING""")
                .setParameter("id", schedule.id)
                .setParameter("fireTime", fireTime)
                .setParameter("now", now)
                .setParameter("instance", INSTANCE)
                .executeUpdate();
        if (recorded == 1) {
            submit(schedule, fireTime);
        } else {
            LOG.warnf("Schedule %s already fired for %s; moving on", schedule.id, fireTime);
        }
        Instant next = schedule.cadence().nextDue(fireTime, now);
        schedule.lastFiredAt = fireTime;
        if (next == Instant.MAX) {
            schedule.paused = true;
            LOG.infof("Schedule %s has no further time to run at (cron '%s'); paused", schedule.id, schedule.cron);
            return;
        }
        long skipped = schedule.everyMs == null ? 0
                : Duration.between(fireTime, next).toMillis() / schedule.everyMs - 1;
        if (skipped > 0) {
            LOG.infof("Schedule %s fired %s late; %d missed run(s) skipped", schedule.id,
                    Duration.between(fireTime, now), skipped);
        }
        schedule.nextFireAt = next.truncatedTo(ChronoUnit.MICROS);
    }

    private void submit(Schedule schedule, Instant fireTime) {
        String outcome = null;
        UUID checkId = null;
        try {
            List<String> regions = validator.resolve(
                    new CheckValidator.RegionChoice(schedule.regions, schedule.regionLimit));
            CheckSpec spec = new CheckSpec(TargetHost.parse(schedule.target), PortSet.parse(schedule.ports),
                    regions, Duration.ofMillis(schedule.timeoutMs), schedule.ipFamily);
            checkId = checks.submit(spec, schedule.id).check().id;
        } catch (InvalidCheckException e) {
            // Nothing to probe from right now (no live region): the run is recorded with the reason.
            outcome = e.getMessage();
            LOG.infof("Schedule %s run for %s not submitted: %s", schedule.id, fireTime, outcome);
        }
        em.createNativeQuery("""
                        UPDATE schedule_firings SET check_id = :checkId, outcome = :outcome
                         WHERE schedule_id = :id AND fire_time = :fireTime""")
                .setParameter("checkId", checkId)
                .setParameter("outcome", outcome)
                .setParameter("id", schedule.id)
                .setParameter("fireTime", fireTime)
                .executeUpdate();
    }
}
