package dev.parallax.coordinator.result;

import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.PgArrays;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Deletes checks created longer ago than {@code parallax.retention.results-max-age}, with their region and port
 * results and their outbox rows that were sent or expired, in batches, on every coordinator every
 * {@code parallax.retention.interval}. A scheduled check goes only once the uptime rollup added it, so a schedule's
 * uptime outlives the raw results; its {@code schedule_firings} row stays, its check id then leading nowhere.
 *
 * <p>A batch MUST run in one transaction: its checks are claimed with {@code FOR UPDATE SKIP LOCKED} (another
 * coordinator deleting at the same time takes other checks; the rollup and a late verdict, which lock the check
 * first, wait or skip), and the check goes with all its rows or not at all.
 */
@ApplicationScoped
public class ResultRetention {

    private static final Logger LOG = Logger.getLogger(ResultRetention.class);
    static final Duration MIN_MAX_AGE = Duration.ofHours(1);

    private final EntityManager em;
    private final ParallaxConfig.Retention config;

    public ResultRetention(EntityManager em, ParallaxConfig config) {
        this.em = em;
        this.config = config.retention();
    }

    /** What one batch or run deleted. */
    public record Deleted(int checks, int regionResults, int portResults, int outboxEvents) {

        static final Deleted NOTHING = new Deleted(0, 0, 0, 0);

        Deleted plus(Deleted other) {
            return new Deleted(checks + other.checks, regionResults + other.regionResults,
                    portResults + other.portResults, outboxEvents + other.outboxEvents);
        }
    }

    /** Refuses to start with an age that would delete checks their clients are still reading. */
    void checkMaxAge(@Observes StartupEvent startup) {
        if (config.enabled()) {
            requireSaneMaxAge(config.resultsMaxAge());
        }
    }

    static void requireSaneMaxAge(Duration maxAge) {
        if (maxAge.compareTo(MIN_MAX_AGE) < 0) {
            throw new IllegalStateException("parallax.retention.results-max-age must be at least " + MIN_MAX_AGE
                    + " (or set parallax.retention.enabled=false to keep results for ever); got " + maxAge);
        }
    }

    // Skipped while the application starts or stops: the datasource may already be gone.
    @Scheduled(every = "${parallax.retention.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class, identity = "result-retention")
    void deleteExpired() {
        if (!config.enabled()) {
            return;
        }
        try {
            purge();
        } catch (RuntimeException e) {
            // The failed batch rolled back; what is past the age stays until the next run.
            LOG.warnf("Result retention failed, retrying next run: %s", e.getMessage());
        }
    }

    /**
     * Deletes what is older than {@code results-max-age}, up to {@code max-batches-per-run} batches of
     * {@code batch-size} checks; logs and returns what went.
     */
    public Deleted purge() {
        Instant cutoff = Instant.now().minus(config.resultsMaxAge());
        Deleted total = Deleted.NOTHING;
        int batches = 0;
        while (batches < config.maxBatchesPerRun()) {
            Deleted batch = deleteBatch(cutoff, config.batchSize());
            total = total.plus(batch);
            batches++;
            if (batch.checks() < config.batchSize()) {
                break;
            }
        }
        if (total.checks() > 0) {
            LOG.infof("Retention deleted %d check(s) created before %s, with %d region result(s), %d port result(s)"
                            + " and %d outbox row(s), in %d batch(es)", total.checks(), cutoff, total.regionResults(),
                    total.portResults(), total.outboxEvents(), batches);
        }
        return total;
    }

    /**
     * Deletes at most {@code limit} checks created before {@code createdBefore}, oldest first, with their rows, in a
     * transaction of its own (a caller's transaction is suspended meanwhile). A scheduled check the rollup has not
     * added yet stays, whatever its age; outbox rows neither sent nor expired stay too.
     */
    public Deleted deleteBatch(Instant createdBefore, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> delete(createdBefore, limit));
    }

    private Deleted delete(Instant createdBefore, int limit) {
        // A check whose schedule was deleted has schedule_id NULL: its aggregates went with the schedule. A run
        // not yet rolled up or not yet evaluated for alerts stays until it is, whatever its age.
        @SuppressWarnings("unchecked")
        List<UUID> doomed = em.createNativeQuery("""
                        SELECT id FROM checks
                         WHERE created_at < :before
                           AND (schedule_id IS NULL OR rolled_up_at IS NOT NULL AND evaluated_at IS NOT NULL)
                         ORDER BY created_at
                         LIMIT :limit
                           FOR UPDATE SKIP LOCKED""", UUID.class)
                .setParameter("before", createdBefore)
                .setParameter("limit", limit)
                .getResultList();
        if (doomed.isEmpty()) {
            return Deleted.NOTHING;
        }
        String ids = PgArrays.textArray(doomed.stream().map(UUID::toString).toList());
        // Children first, counted; the checks' ON DELETE CASCADE would take them too, but silently.
        int ports = delete("DELETE FROM port_results WHERE check_id = ANY (CAST(:ids AS uuid[]))", ids);
        int regions = delete("DELETE FROM region_results WHERE check_id = ANY (CAST(:ids AS uuid[]))", ids);
        int outbox = delete("""
                DELETE FROM outbox_events
                 WHERE aggregate_id = ANY (CAST(:ids AS uuid[]))
                   AND (sent_at IS NOT NULL OR expires_at <= now())""", ids);
        int checks = delete("DELETE FROM checks WHERE id = ANY (CAST(:ids AS uuid[]))", ids);
        return new Deleted(checks, regions, ports, outbox);
    }

    private int delete(String sql, String ids) {
        return em.createNativeQuery(sql).setParameter("ids", ids).executeUpdate();
    }
}
