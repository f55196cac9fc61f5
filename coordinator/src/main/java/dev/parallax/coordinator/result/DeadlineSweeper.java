package dev.parallax.coordinator.result;

import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.AfterCommit;
import dev.parallax.coordinator.database.SqlTimestamps;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Ends every check whose deadline passed: each region still PENDING becomes UNAVAILABLE and the check
 * COMPLETE. Safe with several coordinator replicas: due checks are claimed with {@code SKIP LOCKED}, and
 * the same row lock serialises the sweeper with a verdict arriving at that moment.
 */
@ApplicationScoped
public class DeadlineSweeper {

    static final String NO_VERDICT = "no verdict by the deadline";
    private static final int BATCH = 500;
    private static final Logger LOG = Logger.getLogger(DeadlineSweeper.class);

    private final EntityManager em;
    private final Duration offlineAfter;
    private final CheckMetrics metrics;
    private final CheckUpdates updates;
    private final AfterCommit afterCommit;

    public DeadlineSweeper(EntityManager em, ParallaxConfig config, CheckMetrics metrics, CheckUpdates updates,
                           AfterCommit afterCommit) {
        this.em = em;
        this.updates = updates;
        this.afterCommit = afterCommit;
        this.offlineAfter = config.agents().offlineAfter();
        this.metrics = metrics;
    }

    // Skipped while the application starts or stops: the datasource may already be gone.
    @Scheduled(every = "${parallax.checks.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class, identity = "deadline-sweeper")
    @Transactional
    void sweep() {
        @SuppressWarnings("unchecked")
        List<Object[]> ended = em.createNativeQuery("""
                        WITH due AS (
                            SELECT id FROM checks
                             WHERE status <> 'COMPLETE' AND deadline <= now()
                             ORDER BY deadline
                             LIMIT :batch
                               FOR UPDATE SKIP LOCKED
                        ), unavailable AS (
                            UPDATE region_results r
                               SET status = 'UNAVAILABLE', updated_at = now(),
                                   message = CASE WHEN EXISTS (
                                                 SELECT 1 FROM agents a
                                                  WHERE a.region = r.region
                                                    AND a.last_seen > now() - make_interval(secs => :offlineSeconds))
                                             THEN :message
                                             ELSE :noLiveAgent END
                              FROM due
                             WHERE r.check_id = due.id AND r.status = 'PENDING'
                         RETURNING r.check_id, r.region, r.message
                        ), completed AS (
                            UPDATE checks c SET status = 'COMPLETE', completed_at = now()
                              FROM due WHERE c.id = due.id
                         RETURNING c.id, c.created_at
                        )
                        SELECT CAST(u.check_id AS text), u.region, u.message, NULL FROM unavailable u
                        UNION ALL
                        SELECT CAST(c.id AS text), NULL, NULL, c.created_at FROM completed c
                        """)
                .setParameter("batch", BATCH)
                .setParameter("message", NO_VERDICT)
                .setParameter("noLiveAgent", RegionResult.NO_LIVE_AGENT + ": no live agent in the region by the deadline")
                .setParameter("offlineSeconds", (double) offlineAfter.toSeconds())
                .getResultList();
        Instant now = Instant.now();
        List<String> regionsEnded = new ArrayList<>();
        Map<UUID, Duration> checksEnded = new HashMap<>();
        for (Object[] row : ended) {
            UUID checkId = UUID.fromString((String) row[0]);
            if (row[1] == null) {
                checksEnded.put(checkId, Duration.between(SqlTimestamps.instant(row[3]), now));
                continue;
            }
            String region = (String) row[1];
            regionsEnded.add(region);
            try (CheckLogContext logContext = CheckLogContext.of(checkId, region)) {
                LOG.infof("Check %s: region %s UNAVAILABLE (%s)", checkId, region, row[2]);
            }
        }
        afterCommit.run(() -> {
            regionsEnded.forEach(region -> metrics.regionEnded(region, RegionStatus.UNAVAILABLE));
            checksEnded.forEach((checkId, latency) -> {
                // Every check the sweeper ends had a region still PENDING, which it made UNAVAILABLE.
                metrics.completed(CheckMetrics.Outcome.PARTIAL, latency);
                updates.changed(checkId);
            });
        });
    }
}
